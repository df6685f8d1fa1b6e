"""Navigation, audit labels and background jobs of the personal-data pages (loaded by
IdentityConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.identity import my_data_export, retention_jobs  # noqa: F401  (jobs, file kind)

register_nav(Role.DATA_PROTECTION, _("Accessi ai dati personali"), "identity:access_log")
register_nav("citizen", _("I miei dati"), "identity:my_data")
for _role in (Role.DATA_PROTECTION, Role.MUNICIPALITY_ADMIN):
    register_nav(_role, _("Richieste sui dati personali"), "identity:requests")
    register_nav(_role, _("Conservazione dei dati"), "identity:retention")

register_actions(
    {
        "identity.my_data_export": _("Esportazione dei propri dati richiesta"),
        "identity.consent_withdrawn": _("Consenso all'assistenza revocato"),
        "identity.request_received": _("Richiesta sui dati personali ricevuta"),
        "identity.request_taken": _("Richiesta sui dati personali presa in carico"),
        "identity.request_done": _("Richiesta sui dati personali evasa"),
        "identity.request_refused": _("Richiesta sui dati personali respinta"),
        "identity.retention_dry_run": _("Simulazione della conservazione dei dati"),
        "identity.retention_run": _("Dati scaduti anonimizzati o cancellati"),
        "identity.retention_periods": _("Periodi di conservazione modificati"),
    }
)
