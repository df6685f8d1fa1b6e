from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "benecomune.desk"
    label = "desk"
    verbose_name = _("Punti Welfare")

    def ready(self):
        from benecomune.core.registry import load_modules

        # nav: navigation, home cards, audit labels, file kind; lifecycles: the case table;
        # appointment_calendar: the appointments' .ics files go with their e-mails.
        load_modules(self, ("nav", "lifecycles", "services.appointment_calendar"))
