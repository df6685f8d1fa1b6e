"""Audit labels and navigation of plan funding, allocation and bonus conversion (loaded by
CorporateConfig.ready(), beside nav)."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.corporate import funding_files, funding_jobs  # noqa: F401  (registers)

for role in (Role.COMPANY_HR, Role.COMPANY_HR_OPERATOR, Role.COMPANY_AUDITOR):
    register_nav(role, _("Premi di risultato"), "corporate:bonuses")

register_actions(
    {
        "corporate.funding_requested": _("Finanziamento del piano richiesto"),
        "corporate.funding_received": _("Bonifico dell'azienda registrato"),
        "corporate.funding_cancelled": _("Richiesta di finanziamento annullata"),
        "corporate.allocation_started": _("Assegnazione del credito avviata"),
        "corporate.allocation_finished": _("Assegnazione del credito conclusa"),
        "corporate.credit_allocated": _("Credito welfare assegnato"),
        "corporate.credit_carried_over": _("Credito non speso riportato"),
        "corporate.unspent_settled": _("Credito non speso del periodo chiuso"),
        "corporate.bonus_recorded": _("Premio di risultato registrato"),
        "corporate.bonus_converted": _("Premio di risultato convertito in welfare"),
    }
)
