from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    name = "benecomune.observatory"
    label = "observatory"
    verbose_name = _("Osservatorio e dati aperti")

    def ready(self):
        # Registers the system check refusing a small-cell threshold below 3.
        from benecomune.observatory import checks, nav  # noqa: F401
