"""Welfare Points: the Points and their operators, the needs taxonomy, the cases."""

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
from .orientation import (
    DismissedSuggestion,
    NeedOutcome,
    NeedStatus,
    Orientation,
    OrientationItem,
    SuggestionKind,
)
from .points import PointKind, PointOperator, WelfarePoint
from .taxonomy import Need, NeedArea

__all__ = [
    "Case",
    "CaseAttachment",
    "CaseConsent",
    "CaseNote",
    "CaseStatus",
    "ConsentMethod",
    "ConsentPurpose",
    "DismissedSuggestion",
    "Need",
    "NeedArea",
    "NeedOutcome",
    "NeedStatus",
    "Orientation",
    "OrientationItem",
    "Outcome",
    "PointKind",
    "PointOperator",
    "Source",
    "SuggestionKind",
    "Urgency",
    "WelfarePoint",
]
