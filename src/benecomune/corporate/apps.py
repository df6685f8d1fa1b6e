from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CorporateConfig(AppConfig):
    name = "benecomune.corporate"
    label = "corporate"
    verbose_name = _("Welfare aziendale")

    def ready(self):
        from benecomune.core.registry import load_modules
        from benecomune.corporate import claim_kind, spending

        spending.register()
        claim_kind.register()
        # nav: navigation, audit labels, the plan PDF's file kind.
        load_modules(self, ("nav", "funding_nav", "payroll_nav"))
