"""The transition table of a case at a Welfare Point: open -> in progress -> on hold ->
closed (with an outcome); a case on hold is taken up again, a closed one may be reopened
(so no status is final).
The services (desk.services.cases) also check that the operator works at the case's Point."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.lifecycle import Lifecycle, Transition
from benecomune.desk.models import Case, CaseStatus

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

LIFECYCLES = {"desk.Case": CASE}

register_actions(
    {
        "desk.case_started": _("Caso preso in carico"),
        "desk.case_suspended": _("Caso sospeso"),
        "desk.case_resumed": _("Caso ripreso"),
        "desk.case_closed": _("Caso chiuso"),
        "desk.case_reopened": _("Caso riaperto"),
    }
)
