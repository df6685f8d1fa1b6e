from .flows import Flow, FlowCell
from .rollups import AwardCell, AwardMember, SpendingCell, SpendingMember
from .watermark import PendingGap, Watermark

__all__ = [
    "AwardCell",
    "AwardMember",
    "Flow",
    "FlowCell",
    "PendingGap",
    "SpendingCell",
    "SpendingMember",
    "Watermark",
]
