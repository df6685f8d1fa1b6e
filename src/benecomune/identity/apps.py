from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "benecomune.identity"
    label = "identity"
    verbose_name = _("Identità digitale e dati personali")

    def ready(self):
        from benecomune.core.registry import load_modules

        load_modules(self, ("privacy_nav",))
