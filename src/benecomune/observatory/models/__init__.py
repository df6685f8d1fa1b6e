from .rollups import AwardCell, AwardMember, SpendingCell, SpendingMember
from .watermark import PendingGap, Watermark

__all__ = [
    "AwardCell",
    "AwardMember",
    "PendingGap",
    "SpendingCell",
    "SpendingMember",
    "Watermark",
]
