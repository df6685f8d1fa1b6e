from .flows import Flow, FlowCell
from .rollups import AwardCell, AwardMember, SpendingCell, SpendingMember
from .shared_value import (
    AgreementState,
    ProjectStatus,
    SharedValueAgreement,
    ShareMode,
    SocialProject,
)
from .usage import UsageCell, UsageEntry, UsageKind
from .watermark import PendingGap, Watermark

__all__ = [
    "AgreementState",
    "AwardCell",
    "AwardMember",
    "Flow",
    "FlowCell",
    "PendingGap",
    "ProjectStatus",
    "ShareMode",
    "SharedValueAgreement",
    "SocialProject",
    "SpendingCell",
    "SpendingMember",
    "UsageCell",
    "UsageEntry",
    "UsageKind",
    "Watermark",
]
