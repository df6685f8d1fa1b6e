"""The marketplace's models: the provider's public profile, its staff roles and images
(profiles.py), the accreditation by the network with its checklist (accreditation.py), and
the commerce district: opening hours and promotions of the shops (districts.py)."""

from .accreditation import (
    Accreditation,
    AccreditationEvidence,
    AccreditationRequirement,
    AccreditationStatus,
    RequirementGroup,
    ServiceArea,
)
from .districts import (
    OpeningException,
    OpeningSlot,
    Promotion,
    PromotionStatus,
    Weekday,
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

__all__ = [
    "Accreditation",
    "AccreditationEvidence",
    "AccreditationRequirement",
    "AccreditationStatus",
    "ImageKind",
    "OpeningException",
    "OpeningSlot",
    "Promotion",
    "PromotionStatus",
    "ProviderImage",
    "ProviderProfile",
    "ProviderStaffRole",
    "PublicationStatus",
    "RegistrationStatus",
    "RequirementGroup",
    "ServiceArea",
    "StaffRole",
    "Weekday",
]
