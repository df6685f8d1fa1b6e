"""The lifecycles of calls and applications (see core.lifecycle and docs/lifecycles.md)."""

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import Application, ApplicationStatus, Call, CallStatus
from benecomune.core.lifecycle import OWNER, Lifecycle
from benecomune.core.lifecycle import Transition as T

C = CallStatus
CALL = Lifecycle(
    Call,
    initial=C.DRAFT,  # new calls and new versions of a published call
    terminal=(C.SUPERSEDED, C.CLOSED_OUT),
    error=CallError,
    transitions=[
        T(C.DRAFT, C.PUBLISHED, "calls.manage", "calls.call_published"),
        T(C.PUBLISHED, C.SUPERSEDED, "calls.manage", "calls.call_superseded"),
        T(C.PUBLISHED, C.CLOSED, "calls.manage", "calls.call_closed"),
        T(C.CLOSED, C.RANKED, "calls.manage", "calls.ranking_built"),
        T(C.RANKED, C.AWARDED, "calls.manage", "calls.awarded"),
        T(C.AWARDED, C.CLOSED_OUT, "calls.manage", "calls.call_closed_out"),
    ],
)

A = ApplicationStatus
# An appeal, or the expiry of a clarification from the ranking page, may come from the
# call's manager as well as from the desk.
INSTRUCT = "applications.instruct"
DESK_OR_MANAGER = (INSTRUCT, "calls.manage")
APPLICATION = Lifecycle(
    Application,
    initial=A.DRAFT,
    terminal=(A.WITHDRAWN,),
    error=CallError,
    transitions=[
        T(A.DRAFT, A.SUBMITTED, OWNER, "calls.application_submitted"),
        T(A.SUBMITTED, A.CLARIFICATION, INSTRUCT, "calls.clarification_requested"),
        T(A.CLARIFICATION, A.SUBMITTED, OWNER, "calls.clarification_answered"),
        T(A.CLARIFICATION, A.SUBMITTED, DESK_OR_MANAGER, "calls.clarification_expired"),
        T(A.SUBMITTED, A.INSTRUCTED, INSTRUCT, "calls.instruction_completed"),
        T(A.INSTRUCTED, A.ADMITTED, "applications.decide", "calls.application_admitted"),
        T(A.INSTRUCTED, A.REJECTED, "applications.decide", "calls.application_rejected"),
        T(A.ADMITTED, A.INSTRUCTED, DESK_OR_MANAGER, "calls.application_appeal"),
        T(A.REJECTED, A.INSTRUCTED, DESK_OR_MANAGER, "calls.application_appeal"),
        *(
            T(source, A.WITHDRAWN, OWNER, "calls.application_withdrawn")
            for source in (A.DRAFT, A.SUBMITTED, A.CLARIFICATION, A.INSTRUCTED)
        ),
    ],
)

LIFECYCLES = {"calls.Call": CALL, "calls.Application": APPLICATION}
