"""The marketplace's models: the provider's public profile, its staff roles and images
(profiles.py), the accreditation by the network with its checklist (accreditation.py), and
the threads between citizens and providers (threads.py)."""

from .accreditation import (
    Accreditation,
    AccreditationEvidence,
    AccreditationRequirement,
    AccreditationStatus,
    RequirementGroup,
    ServiceArea,
)
from .profiles import (
    ImageKind,
    ProviderImage,
    ProviderProfile,
    ProviderStaffRole,
    PublicationStatus,
    RegistrationStatus,
    StaffRole,
)
from .threads import (
    AbuseReport,
    AbuseStatus,
    Message,
    MessageAttachment,
    Side,
    Thread,
    ThreadStatus,
)

__all__ = [
    "AbuseReport",
    "AbuseStatus",
    "Accreditation",
    "AccreditationEvidence",
    "AccreditationRequirement",
    "AccreditationStatus",
    "ImageKind",
    "Message",
    "MessageAttachment",
    "ProviderImage",
    "ProviderProfile",
    "ProviderStaffRole",
    "PublicationStatus",
    "RegistrationStatus",
    "RequirementGroup",
    "ServiceArea",
    "Side",
    "StaffRole",
    "Thread",
    "ThreadStatus",
]
