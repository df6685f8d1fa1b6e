"""Who is acting: passed to every service so it can check permissions and write the audit."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from benecomune.core.models import Membership, OrganizationKind, Role, User

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
        "company.employees",
        "company.view",
        "jobs.view",
        "privacy.manage",
        "desk.cases",
        "desk.team",
        "desk.points",
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
            "privacy.manage",
            "desk.points",
        }
    ),
    # The Comune's data protection contact: reads the registry and who did what, and handles
    # the citizens' rectification and erasure requests (identity.services.data_requests).
    Role.DATA_PROTECTION: frozenset({"people.view", "audit.view", "jobs.view", "privacy.manage"}),
    Role.MERCHANT_STAFF: frozenset(
        {"merchant.redeem", "merchant.view", "merchant.manage", "tokens.manage"}
    ),
    Role.PROVIDER_STAFF: frozenset(
        {"provider.manage", "merchant.view", "tokens.manage", "desk.points"}
    ),
    # A company's HR (corporate welfare): the admin manages the company and approves plans,
    # the operator keeps the roster and drafts plans, the auditor reads everything. The admin
    # is also the payer of the plan's spending (payouts.manage, in the company only): it
    # approves the providers' debit notes of corporate-wallet payments and pays them.
    Role.COMPANY_HR: frozenset(
        {
            "company.manage",
            "payouts.manage",
            "company.employees",
            "company.view",
            "audit.view",
            "jobs.view",
            "desk.points",
            # the payroll software's API token (corporate/payroll_api.py)
            "tokens.manage",
        }
    ),
    Role.COMPANY_HR_OPERATOR: frozenset({"company.employees", "company.view", "jobs.view"}),
    Role.COMPANY_AUDITOR: frozenset({"company.view", "audit.view", "jobs.view"}),
    # A Welfare Point's operators (desk app): cases are theirs only where they are operators
    # of the case's Point (desk.access), whatever the permission says; the coordinator also
    # sees the Point's whole caseload and moves cases between operators. Managing Points
    # ("desk.points") is the owner organisation's admin's.
    Role.WELFARE_MANAGER: frozenset({"desk.cases", "jobs.view"}),
    Role.WELFARE_DESK_STAFF: frozenset({"desk.cases", "jobs.view"}),
    Role.WELFARE_COORDINATOR: frozenset({"desk.cases", "desk.team", "jobs.view"}),
    Role.PLATFORM_ADMIN: ALL_PERMISSIONS,
}

# What a device token (a shop's till, an integration) may do, by the kind of its organisation:
# the minimum the API routes need. A kind not listed gets nothing.
DEVICE_PERMISSIONS: dict[str, frozenset[str]] = {
    OrganizationKind.PROVIDER: frozenset({"merchant.redeem"}),
    # The payroll software reads the payroll export (the only company route).
    OrganizationKind.COMPANY: frozenset({"company.view"}),
}
# A shop signing itself up from the public form, once its (inactive) record exists: it may
# only ask to join a circuit on its own behalf.
SIGNUP_PERMISSIONS = frozenset({"merchant.manage"})


@dataclass(frozen=True)
class Actor:
    """A user acting in one role (membership), or the citizen role when membership is None.

    `system` actors are commands and tasks acting on the platform's behalf (e.g. seed_demo,
    expiry sweeps); they are named in `label` so the audit says which one acted. A device
    (`for_device`) has no user and no membership: it holds `grants` (DEVICE_PERMISSIONS) inside
    its own organisation only, and the audit names it by its `label`.
    """

    user: User | None
    membership: Membership | None = None
    ip_address: str | None = None
    system: bool = False
    label: str = ""
    _tenant_ids: tuple[int, ...] = field(default=(), compare=False)
    # Permissions of an actor bound to one organisation without a membership (a device, a
    # shop's self-service sign-up); None for everyone else.
    grants: frozenset[str] | None = None
    bound_organization: object = field(default=None, compare=False)
    device_id: int | None = None

    @classmethod
    def system_actor(cls, label: str) -> "Actor":
        """Commands and tasks only: never for a request."""
        return cls(user=None, system=True, label=label)

    @classmethod
    def for_device(cls, token, ip_address: str | None = None) -> "Actor":
        """The device of an API token, bound to the token's organisation. No query: the
        token's organisation is loaded with it (a till's fast path counts its round trips)."""
        organization = token.organization
        return cls(
            user=None,
            ip_address=ip_address,
            label=f"dispositivo {token.prefix}"[:40],
            _tenant_ids=(token.organization_id,),
            grants=DEVICE_PERMISSIONS.get(organization.kind, frozenset()),
            bound_organization=organization,
            device_id=token.pk,
        )

    @classmethod
    def for_signup(cls, label: str, ip_address: str | None = None, organization=None) -> "Actor":
        """A public sign-up form: no permission until bound to the organisation it created
        (`organization`), then SIGNUP_PERMISSIONS on that one only."""
        return cls(
            user=None,
            ip_address=ip_address,
            label=label,
            _tenant_ids=(organization.pk,) if organization is not None else (),
            grants=SIGNUP_PERMISSIONS if organization is not None else frozenset(),
            bound_organization=organization,
        )

    @property
    def is_device(self) -> bool:
        return self.device_id is not None

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
        if self.grants is not None:
            # The audit's actor_role: which device (or sign-up form) acted.
            return self.label
        return self.membership.role if self.membership else "citizen"

    @property
    def organization(self):
        if self.grants is not None:
            return self.bound_organization
        return self.membership.organization if self.membership else None

    @property
    def tenant_ids(self) -> tuple[int, ...]:
        return self._tenant_ids

    def has_perm(self, permission: str, organization=None) -> bool:
        if self.system:
            return True
        if self.grants is not None:
            # A bound actor: its own grants, in its own organisation; no query.
            if permission not in self.grants:
                return False
            return organization is None or getattr(organization, "pk", organization) in (
                self.tenant_ids
            )
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
