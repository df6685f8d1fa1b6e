from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "benecomune.marketplace"
    label = "marketplace"
    verbose_name = _("Mercato dei servizi e fornitori")

    def ready(self):
        from benecomune.core.registry import load_modules

        # nav: navigation and audit labels; lifecycles: the accreditation table's labels.
        load_modules(self, ("nav", "lifecycles"))
