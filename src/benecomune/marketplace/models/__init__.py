"""The marketplace's models: the provider's public profile, its staff roles and images
(profiles.py), the accreditation by the network with its checklist (accreditation.py), and the
catalogue of services (catalogue.py)."""

from .accreditation import (
    Accreditation,
    AccreditationEvidence,
    AccreditationRequirement,
    AccreditationStatus,
    RequirementGroup,
    ServiceArea,
)
from .catalogue import (
    LOCAL_DELIVERIES,
    Delivery,
    PayerKind,
    PriceKind,
    PriceUnit,
    Service,
    ServicePhoto,
    ServiceStatus,
    ServiceType,
    ServiceVariant,
    TargetGroup,
    UserArea,
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
    "LOCAL_DELIVERIES",
    "Accreditation",
    "AccreditationEvidence",
    "AccreditationRequirement",
    "AccreditationStatus",
    "Delivery",
    "ImageKind",
    "PayerKind",
    "PriceKind",
    "PriceUnit",
    "ProviderImage",
    "ProviderProfile",
    "ProviderStaffRole",
    "PublicationStatus",
    "RegistrationStatus",
    "RequirementGroup",
    "Service",
    "ServiceArea",
    "ServicePhoto",
    "ServiceStatus",
    "ServiceType",
    "ServiceVariant",
    "StaffRole",
    "TargetGroup",
    "UserArea",
]
