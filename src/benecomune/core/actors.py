"""Who is acting: passed to every service so it can check permissions and write the audit."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from benecomune.core.models import Membership, Role, User

ALL_PERMISSIONS = frozenset(
    {
        "people.view",
        "people.edit",
        "audit.view",
        "members.manage",
        "organizations.manage",
        "tokens.manage",
        "funds.view",
        "funds.manage",
        "calls.manage",
        "applications.view",
        "applications.instruct",
        "applications.decide",
        "circuit.manage",
        "payouts.manage",
        "payouts.approve",
        "desk.assist",
        "merchant.redeem",
        "merchant.view",
        "merchant.manage",
        "provider.manage",
        "company.manage",
        "jobs.view",
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.DESK_OPERATOR: frozenset(
        {
            "people.view",
            "people.edit",
            "applications.view",
            "applications.instruct",
            "desk.assist",
            "jobs.view",
        }
    ),
    Role.VALIDATOR: frozenset(
        {"people.view", "applications.view", "applications.decide", "payouts.approve", "jobs.view"}
    ),
    Role.MUNICIPALITY_ADMIN: frozenset(
        {
            "people.view",
            "people.edit",
            "audit.view",
            "members.manage",
            "tokens.manage",
            "funds.view",
            "funds.manage",
            "calls.manage",
            "applications.view",
            "circuit.manage",
            "payouts.manage",
            "jobs.view",
        }
    ),
    # The Comune's data protection contact: reads the registry and who did what, changes nothing.
    Role.DATA_PROTECTION: frozenset({"people.view", "audit.view", "jobs.view"}),
    Role.MERCHANT_STAFF: frozenset(
        {"merchant.redeem", "merchant.view", "merchant.manage", "tokens.manage"}
    ),
    Role.PROVIDER_STAFF: frozenset({"provider.manage", "merchant.view", "tokens.manage"}),
    Role.COMPANY_HR: frozenset({"company.manage", "jobs.view"}),
    Role.PLATFORM_ADMIN: ALL_PERMISSIONS,
}


@dataclass(frozen=True)
class Actor:
    """A user acting in one role (membership), or the citizen role when membership is None.

    `system` actors are commands and tasks acting on the platform's behalf (e.g. seed_demo,
    expiry sweeps); they are named in `label` so the audit says which one acted.
    """

    user: User | None
    membership: Membership | None = None
    ip_address: str | None = None
    system: bool = False
    label: str = ""
    _tenant_ids: tuple[int, ...] = field(default=(), compare=False)

    @classmethod
    def system_actor(cls, label: str) -> "Actor":
        return cls(user=None, system=True, label=label)

    @classmethod
    def for_membership(cls, membership: Membership, ip_address: str | None = None) -> "Actor":
        return cls(
            user=membership.user,
            membership=membership,
            ip_address=ip_address,
            _tenant_ids=tuple(membership.organization.tenant_ids()),
        )

    @property
    def role(self) -> str:
        if self.system:
            return "system"
        return self.membership.role if self.membership else "citizen"

    @property
    def organization(self):
        return self.membership.organization if self.membership else None

    @property
    def tenant_ids(self) -> tuple[int, ...]:
        return self._tenant_ids

    def has_perm(self, permission: str, organization=None) -> bool:
        if self.system:
            return True
        if self.membership is None or not self.membership.is_active:
            return False
        if permission not in ROLE_PERMISSIONS.get(self.membership.role, frozenset()):
            return False
        if organization is None:
            return True
        return getattr(organization, "pk", organization) in self.tenant_ids

    def require(self, permission: str, organization=None) -> None:
        """Raise PermissionDenied unless this actor may do `permission` on `organization`."""
        if not self.has_perm(permission, organization):
            raise PermissionDenied(_("Non ha i permessi per questa operazione."))
