"""Corporate welfare's navigation entries, audit labels and the plan PDF's file kind
(loaded by CorporateConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.audit_display import register_detail_names, register_value_labels
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.home import register_home_card
from benecomune.corporate import files, home_cards
from benecomune.corporate.models.plans import UnspentRule

HR_ROLES = (Role.COMPANY_HR, Role.COMPANY_HR_OPERATOR, Role.COMPANY_AUDITOR)

for role in HR_ROLES:
    register_nav(role, _("Dipendenti"), "corporate:employees")
    register_nav(role, _("Piani di welfare"), "corporate:plans")
    register_nav(role, _("Rimborsi welfare"), "corporate:claims")
    register_nav(role, _("Dati dell'azienda"), "corporate:profile")
register_nav(Role.PLATFORM_ADMIN, _("Adesione di un'azienda"), "corporate:company_join")
register_nav(Role.PLATFORM_ADMIN, _("Welfare aziendale nella rete"), "corporate:network_overview")
register_nav(Role.PLATFORM_ADMIN, _("Bonifici delle aziende"), "corporate:incoming_transfers")
register_nav("citizen", _("Welfare aziendale"), "corporate:my_welfare")
for role in HR_ROLES:
    register_home_card(role, home_cards.plans_card)
    register_home_card(role, home_cards.employees_card)

files.register()

register_actions(
    {
        "company.profile_set": _("Dati welfare dell'azienda salvati"),
        "roster.imported": _("Elenco dei dipendenti importato"),
        "employee.hired": _("Dipendente aggiunto"),
        "employee.updated": _("Dati del dipendente cambiati"),
        "employee.left": _("Dipendente cessato"),
        "employee.invited": _("Dipendente invitato ad attivare l'account"),
        "employee.account_activated": _("Account del dipendente attivato"),
        "employee.child_declared": _("Figlio a carico dichiarato"),
        "employee.child_withdrawn": _("Dichiarazione di figlio a carico ritirata"),
        "employee.fringe_declared": _("Fringe benefit da altri dichiarato"),
        "corporate.plan_created": _("Piano di welfare creato"),
        "corporate.plan_updated": _("Regole del piano cambiate"),
        "corporate.plan_group_added": _("Gruppo di beneficiari aggiunto"),
        "corporate.plan_group_removed": _("Gruppo di beneficiari tolto"),
        "corporate.plan_rule_set": _("Categoria del piano salvata"),
        "corporate.plan_rule_removed": _("Categoria del piano tolta"),
        "corporate.plan_submitted": _("Piano presentato per l'approvazione"),
        "corporate.plan_returned": _("Piano tornato in bozza"),
        "corporate.plan_approved": _("Piano approvato"),
        "corporate.plan_closed": _("Piano chiuso"),
        "corporate.plan_version_created": _("Nuova versione del piano"),
    }
)

# Names of the keys of this app's audit details (the audit page, the history).
register_detail_names(
    {
        "over": _("oltre il limite"),
        "run": _("assegnazione"),
        "bonus": _("premio di risultato"),
        "basis": _("criterio"),
        "plan_version": _("versione del piano"),
        "need": _("fabbisogno"),
        "references": _("causali dei versamenti"),
        "schedule": _("modalità di versamento"),
        "difference": _("differenza"),
        "excess_accepted": _("eccedenza confermata"),
        "exempt": _("esente"),
        "taxable": _("imponibile"),
        "format": _("formato"),
        "period": _("periodo"),
        "plan": _("piano"),
        "based_on": _("copiata dalla versione"),
        "complete": _("elenco completo"),
        "left": _("usciti"),
        "employees": _("dipendenti"),
        "returned": _("restituito al fondo"),
        "carried": _("riportato al periodo successivo"),
        "next_version": _("versione successiva"),
        "rule": _("regola"),
        "from_version": _("dalla versione"),
        "received": _("importo ricevuto"),
    }
)
register_value_labels("rule", dict(UnspentRule.choices))
