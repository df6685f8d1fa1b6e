"""Welfare Points: the Points and their operators, the needs taxonomy, the cases."""

from .appointments import (
    ACTIVE_APPOINTMENT,
    WEEKDAYS,
    Appointment,
    AppointmentCalendarAttachment,
    AppointmentClosure,
    AppointmentHours,
    AppointmentStatus,
)
from .cases import (
    Case,
    CaseAttachment,
    CaseConsent,
    CaseNote,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    Outcome,
    Source,
    Urgency,
)
from .delegations import (
    Delegation,
    DelegationChannel,
    DelegationDocument,
    DelegationScope,
    IdDocumentType,
)
from .orientation import (
    DismissedSuggestion,
    NeedOutcome,
    NeedStatus,
    Orientation,
    OrientationItem,
    SuggestionKind,
)
from .points import PointKind, PointOperator, WelfarePoint
from .referrals import OPEN_REFERRAL, Referral, ReferralStatus, ReferralTarget
from .taxonomy import Need, NeedArea

__all__ = [
    "ACTIVE_APPOINTMENT",
    "OPEN_REFERRAL",
    "WEEKDAYS",
    "Appointment",
    "AppointmentCalendarAttachment",
    "AppointmentClosure",
    "AppointmentHours",
    "AppointmentStatus",
    "Case",
    "CaseAttachment",
    "CaseConsent",
    "CaseNote",
    "CaseStatus",
    "ConsentMethod",
    "ConsentPurpose",
    "Delegation",
    "DelegationChannel",
    "DelegationDocument",
    "DelegationScope",
    "DismissedSuggestion",
    "IdDocumentType",
    "Need",
    "NeedArea",
    "NeedOutcome",
    "NeedStatus",
    "Orientation",
    "OrientationItem",
    "Outcome",
    "PointKind",
    "PointOperator",
    "Referral",
    "ReferralStatus",
    "ReferralTarget",
    "Source",
    "SuggestionKind",
    "Urgency",
    "WelfarePoint",
]
