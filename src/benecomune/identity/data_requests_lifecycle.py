"""The lifecycle of a rectification or erasure request (see core.lifecycle and
docs/lifecycles.md)."""

from benecomune.core.lifecycle import Lifecycle
from benecomune.core.lifecycle import Transition as T
from benecomune.identity.models import DataRequest, DataRequestStatus

S = DataRequestStatus
MANAGE = "privacy.manage"
DATA_REQUEST = Lifecycle(
    DataRequest,
    initial=S.RECEIVED,
    terminal=(S.DONE, S.REFUSED),
    transitions=[
        T(S.RECEIVED, S.IN_PROGRESS, MANAGE, "identity.request_taken"),
        T(S.RECEIVED, S.REFUSED, MANAGE, "identity.request_refused"),
        T(S.IN_PROGRESS, S.DONE, MANAGE, "identity.request_done"),
        T(S.IN_PROGRESS, S.REFUSED, MANAGE, "identity.request_refused"),
    ],
)

LIFECYCLES = {"identity.DataRequest": DATA_REQUEST}
