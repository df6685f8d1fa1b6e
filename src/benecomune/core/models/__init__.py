from .audit import AuditEvent, AuditImmutableError
from .clarifications import Clarification, ClarificationStatus
from .counters import SharedCounter
from .invitations import Invitation, InvitationStatus
from .jobs import Job, JobStatus
from .notifications import Notification
from .organizations import (
    Company,
    MerchantCategory,
    Municipality,
    Network,
    Organization,
    OrganizationKind,
    Provider,
    ProviderKind,
)
from .people import Household, HouseholdMember, Person, Relationship, Sex
from .tokens import ApiToken, CitizenToken
from .users import ROLE_ORGANIZATION_KIND, Membership, Role, User, role_fits

__all__ = [
    "ROLE_ORGANIZATION_KIND",
    "ApiToken",
    "AuditEvent",
    "AuditImmutableError",
    "CitizenToken",
    "Clarification",
    "ClarificationStatus",
    "Company",
    "Household",
    "HouseholdMember",
    "Invitation",
    "InvitationStatus",
    "Job",
    "JobStatus",
    "Membership",
    "MerchantCategory",
    "Municipality",
    "Network",
    "Notification",
    "Organization",
    "OrganizationKind",
    "Person",
    "Provider",
    "ProviderKind",
    "Relationship",
    "Role",
    "Sex",
    "SharedCounter",
    "User",
    "role_fits",
]
