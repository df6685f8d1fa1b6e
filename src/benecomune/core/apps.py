from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "benecomune.core"
    label = "core"
    verbose_name = _("Piattaforma")

    def ready(self):
        # Each app registers its background job handlers in its `jobs` module.
        autodiscover_modules("jobs")
