"""The marketplace's models: the provider's public profile, its staff roles and images
(profiles.py), the accreditation by the network with its checklist (accreditation.py), the
commerce district: opening hours and promotions of the shops (districts.py), the catalogue of
services (catalogue.py), the threads between citizens and providers (threads.py) and the
citizens' reviews of their purchases (reviews.py)."""

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
from .reviews import RATING_MAX, RATING_MIN, Review, ReviewStatus
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
    "LOCAL_DELIVERIES",
    "RATING_MAX",
    "RATING_MIN",
    "AbuseReport",
    "AbuseStatus",
    "Accreditation",
    "AccreditationEvidence",
    "AccreditationRequirement",
    "AccreditationStatus",
    "Delivery",
    "ImageKind",
    "Message",
    "MessageAttachment",
    "OpeningException",
    "OpeningSlot",
    "PayerKind",
    "PriceKind",
    "PriceUnit",
    "Promotion",
    "PromotionStatus",
    "ProviderImage",
    "ProviderProfile",
    "ProviderStaffRole",
    "PublicationStatus",
    "RegistrationStatus",
    "RequirementGroup",
    "Review",
    "ReviewStatus",
    "Service",
    "ServiceArea",
    "ServicePhoto",
    "ServiceStatus",
    "ServiceType",
    "ServiceVariant",
    "Side",
    "StaffRole",
    "TargetGroup",
    "Thread",
    "ThreadStatus",
    "UserArea",
    "Weekday",
]
