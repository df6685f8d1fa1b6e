"""The transition table of a case at a Welfare Point: open -> in progress -> on hold ->
closed (with an outcome); a case on hold is taken up again, a closed one may be reopened
(so no status is final).
The services (desk.services.cases) also check that the operator works at the case's Point."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.audit_display import register_detail_names, register_value_labels
from benecomune.core.lifecycle import Lifecycle, Transition
from benecomune.desk.models import Case, CaseStatus, Referral, ReferralStatus

S = CaseStatus
WORK = "desk.cases"

CASE = Lifecycle(
    model=Case,
    initial=S.OPEN,
    transitions=[
        Transition(S.OPEN, S.IN_PROGRESS, WORK, "desk.case_started"),
        Transition(S.IN_PROGRESS, S.ON_HOLD, WORK, "desk.case_suspended"),
        Transition(S.ON_HOLD, S.IN_PROGRESS, WORK, "desk.case_resumed"),
        Transition(S.OPEN, S.CLOSED, WORK, "desk.case_closed"),
        Transition(S.IN_PROGRESS, S.CLOSED, WORK, "desk.case_closed"),
        Transition(S.ON_HOLD, S.CLOSED, WORK, "desk.case_closed"),
        Transition(S.CLOSED, S.IN_PROGRESS, WORK, "desk.case_reopened"),
    ],
)

R = ReferralStatus
# The receiving side: a provider's staff, a Comune's desk or admin, another Point's operators
# (the service also checks that the actor belongs to the referral's receiving organisation).
RECEIVE = ("provider.manage", "desk.assist", "desk.points", "desk.cases")
TO = "to_organization_id"

REFERRAL = Lifecycle(
    model=Referral,
    initial=R.PENDING,
    transitions=[
        Transition(R.PENDING, R.ACCEPTED, RECEIVE, "desk.referral_accepted", scope=TO),
        Transition(R.PENDING, R.DECLINED, RECEIVE, "desk.referral_declined", scope=TO),
        Transition(R.ACCEPTED, R.COMPLETED, RECEIVE, "desk.referral_completed", scope=TO),
    ],
    terminal=(R.DECLINED, R.COMPLETED),
)

LIFECYCLES = {"desk.Case": CASE, "desk.Referral": REFERRAL}

register_actions(
    {
        "desk.case_started": _("Caso preso in carico"),
        "desk.case_suspended": _("Caso sospeso"),
        "desk.case_resumed": _("Caso ripreso"),
        "desk.case_closed": _("Caso chiuso"),
        "desk.case_reopened": _("Caso riaperto"),
        "desk.referral_accepted": _("Segnalazione accettata"),
        "desk.referral_declined": _("Segnalazione rifiutata"),
        "desk.referral_completed": _("Segnalazione conclusa"),
    }
)

# Names of the keys of this app's audit details (the audit page, the history).
register_detail_names(
    {
        "case": _("pratica"),
        "desks": _("sportelli"),
        "enabled": _("prenotazioni aperte"),
        "hours": _("orari"),
        "minutes": _("durata in minuti"),
        "notice_hours": _("preavviso in ore"),
        "window_days": _("prenotabile fino a giorni"),
        "booked_in_it": _("appuntamenti nel periodo"),
        "attachment": _("allegato"),
        "delegate": _("delegato"),
        "informativa": _("versione dell'informativa"),
        "anonymous": _("anonimo"),
        "orientation": _("orientamento"),
        "suggestions": _("proposte"),
        "unmet": _("bisogni senza risposta"),
        "suggestion": _("proposta"),
    }
)
register_value_labels("by", {"person": _("la persona"), "point": _("il Punto Welfare")})
