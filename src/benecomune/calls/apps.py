from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each area of the app registers its navigation entries and home cards in its own module.
_NAVIGATION_MODULES = (
    "nav_definition",
    "nav_applications",
    "nav_review",
    "nav_ranking",
    "nav_paper",
)


class CallsConfig(AppConfig):
    name = "benecomune.calls"
    label = "calls"
    verbose_name = _("Bandi e domande")

    def ready(self):
        from benecomune.core.registry import load_modules

        load_modules(self, _NAVIGATION_MODULES)

        from benecomune.calls import spending
        from benecomune.core.audit import register_actions

        spending.register()

        register_actions(
            {
                "calls.call_created": _("Bando creato"),
                "calls.call_updated": _("Bando modificato"),
                "calls.call_autosaved": _("Bozza del bando salvata automaticamente"),
                "calls.call_new_version": _("Nuova versione del bando"),
                "calls.call_published": _("Bando pubblicato"),
                "calls.call_superseded": _("Bando sostituito da una nuova versione"),
                "calls.call_closed": _("Bando chiuso alle domande"),
                "calls.call_closed_out": _("Bando concluso"),
                "calls.application_reevaluated": _("Domanda ricalcolata con le nuove regole"),
                "calls.ranking_built": _("Graduatoria calcolata"),
                "calls.ranking_finalized": _("Graduatoria resa definitiva"),
                "calls.awarded": _("Contributi assegnati"),
            }
        )

        # Names of the keys of this app's audit details (the audit page, the history).
        from benecomune.core.audit_display import register_detail_names

        register_detail_names(
            {
                "assisted": _("con l'aiuto dello sportello"),
                "by_municipality": _("assegnato per Comune"),
                "applications_moved": _("domande spostate"),
                "documents_on_paper": _("documenti su carta"),
                "paper_protocol": _("protocollo del modulo cartaceo"),
                "protocols": _("protocolli"),
                "stored": _("file archiviato"),
                "entries": _("posizioni in graduatoria"),
                "funded_total": _("totale finanziato"),
                "approve": _("approvate"),
                "decided": _("decise"),
                "refused": _("non decise"),
                "expired": _("scadute"),
                "override": _("decisione diversa dalla proposta"),
                "proposal": _("proposta"),
                "documents": _("documenti"),
                "filters": _("filtri"),
            }
        )
