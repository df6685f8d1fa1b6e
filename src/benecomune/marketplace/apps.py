from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "benecomune.marketplace"
    label = "marketplace"
    verbose_name = _("Mercato dei servizi e fornitori")

    def ready(self):
        from benecomune.core.registry import load_modules
        from benecomune.ledger.spending import register_purchase_rule
        from benecomune.marketplace.page_cache_signals import connect as watch_catalogue_pages
        from benecomune.marketplace.purchase_sources import (
            INTENT_SOURCE,
            intents_of_person,
            resolve_intent,
        )
        from benecomune.marketplace.purchases import register_purchase_source
        from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE, purchase_rule
        from benecomune.marketplace.service_subject import SERVICE_SUBJECT, resolve_service
        from benecomune.marketplace.subjects import register_thread_subject

        # nav: navigation and audit labels; lifecycles: the transition tables' labels.
        load_modules(self, ("nav", "lifecycles"))
        # Public and company wallets pay a service only of an accredited provider.
        register_purchase_rule(SERVICE_OBJECT_TYPE, purchase_rule)
        # A citizen may write to a provider about one of its public services.
        register_thread_subject(SERVICE_SUBJECT, resolve_service)
        # The catalogue's cached public pages are dropped on commit of what they show.
        watch_catalogue_pages()
        # A captured payment of a service is a purchase the citizen may review.
        register_purchase_source(INTENT_SOURCE, resolve_intent, intents_of_person)
