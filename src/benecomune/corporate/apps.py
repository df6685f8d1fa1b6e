from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorporateConfig(AppConfig):
    name = "benecomune.corporate"
    label = "corporate"
    verbose_name = _("Welfare aziendale")

    def ready(self):
        from benecomune.corporate import spending

        spending.register()
