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
    "Need",
    "NeedArea",
    "Outcome",
    "PointKind",
    "PointOperator",
    "Source",
    "Urgency",
    "WelfarePoint",
]
