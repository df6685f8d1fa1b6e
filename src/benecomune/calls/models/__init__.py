from benecomune.calls.models.applications import (
    ACTIVE_STATUSES,
    REVIEWABLE_STATUSES,
    Application,
    ApplicationDocument,
    ApplicationMember,
    ApplicationStatus,
    ClarificationRequest,
    ClarificationStatus,
)
from benecomune.calls.models.calls import BenefitType, Call, CallShare, CallStatus, ShareMode
from benecomune.calls.models.ranking import (
    Award,
    AwardStatus,
    CallReservation,
    IseeRecord,
    Ranking,
    RankingEntry,
    RankingKind,
)

__all__ = [
    "ACTIVE_STATUSES",
    "REVIEWABLE_STATUSES",
    "Application",
    "ApplicationDocument",
    "ApplicationMember",
    "ApplicationStatus",
    "Award",
    "AwardStatus",
    "BenefitType",
    "Call",
    "CallReservation",
    "CallShare",
    "CallStatus",
    "ClarificationRequest",
    "ClarificationStatus",
    "IseeRecord",
    "Ranking",
    "RankingEntry",
    "RankingKind",
    "ShareMode",
]
