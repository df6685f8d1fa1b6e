"""The marketplace's models: the provider's public profile, its staff roles and images
(profiles.py), and the accreditation by the network with its checklist (accreditation.py)."""

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

__all__ = [
    "Accreditation",
    "AccreditationEvidence",
    "AccreditationRequirement",
    "AccreditationStatus",
    "ImageKind",
    "ProviderImage",
    "ProviderProfile",
    "ProviderStaffRole",
    "PublicationStatus",
    "RegistrationStatus",
    "RequirementGroup",
    "ServiceArea",
    "StaffRole",
]
