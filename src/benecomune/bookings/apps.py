from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "benecomune.bookings"
    label = "bookings"
    verbose_name = _("Prenotazioni e ordini")

    def ready(self):
        from benecomune.bookings import nav_agenda  # noqa: F401
