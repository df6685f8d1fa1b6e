"""Welfare Points and their operators, managed by the admin of the Point's organisation
(permission "desk.points": a Comune's admin, a company's HR admin, a provider's staff, the
network's platform admin)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Membership, Municipality, Organization, OrganizationKind
from benecomune.desk.access import OPERATOR_ROLES
from benecomune.desk.models import PointKind, PointOperator, WelfarePoint
from benecomune.desk.services.refusals import audited_refusal

POINT_FIELDS = [
    "kind",
    "name",
    "host",
    "address",
    "municipality",
    "opening_hours",
    "services",
    "languages",
    "accessibility",
    "phone",
    "email",
    "is_public",
    "is_active",
]

K = OrganizationKind
# Which organisations may own each kind of Point. A union's or trade association's office is
# run under an agreement with the network or a Comune, or by an association registered as a
# provider.
OWNER_KINDS = {
    PointKind.MUNICIPAL: (K.MUNICIPALITY,),
    PointKind.NETWORK: (K.NETWORK,),
    PointKind.COMPANY: (K.COMPANY,),
    PointKind.UNION: (K.NETWORK, K.MUNICIPALITY, K.PROVIDER),
    PointKind.THIRD_SECTOR: (K.PROVIDER,),
}


def can_manage(actor: Actor, organization) -> bool:
    return actor.has_perm("desk.points", organization)


def network_of(organization: Organization):
    return organization if organization.kind == K.NETWORK else organization.network


def municipalities_for(organization: Organization):
    """The Comuni a Point of this organisation may stand in: its network's."""
    network = network_of(organization)
    if network is None:
        return Municipality.objects.filter(pk=organization.pk)
    return Municipality.objects.filter(network=network, is_active=True).order_by("name")


def _check(point: WelfarePoint) -> None:
    errors = {}
    if point.organization.kind not in OWNER_KINDS.get(point.kind, ()):
        errors["kind"] = _("Questo tipo di punto non può appartenere a questa organizzazione.")
    if not municipalities_for(point.organization).filter(pk=point.municipality_id).exists():
        errors["municipality"] = _("Scelga un Comune della rete.")
    if errors:
        raise ValidationError(errors)
    point.full_clean()


def _require(actor: Actor, organization) -> None:
    if not can_manage(actor, organization):
        raise PermissionDenied(_("Non ha i permessi per gestire i Punti Welfare."))


@audited_refusal("desk.point_refused")
def create_point(actor: Actor, organization: Organization, **fields) -> WelfarePoint:
    _require(actor, organization)
    point = WelfarePoint(organization=organization, **fields)
    _check(point)
    point.save()
    audit.record(
        actor,
        "desk.point_created",
        point,
        organization=organization,
        after=audit.snapshot(point, POINT_FIELDS),
    )
    return point


@audited_refusal("desk.point_refused")
def update_point(actor: Actor, point: WelfarePoint, **fields) -> WelfarePoint:
    point = WelfarePoint.objects_unscoped.select_for_update().get(pk=point.pk)
    _require(actor, point.organization)
    before = audit.snapshot(point, POINT_FIELDS)
    for name, value in fields.items():
        if name in POINT_FIELDS:
            setattr(point, name, value)
    _check(point)
    point.save()
    audit.record(
        actor,
        "desk.point_updated",
        point,
        organization=point.organization,
        before=before,
        after=audit.snapshot(point, POINT_FIELDS),
    )
    return point


def candidate_memberships(point: WelfarePoint):
    """Staff of the Point's organisation with a desk role, not yet working here."""
    working = PointOperator.objects_unscoped.filter(point=point, is_active=True).values(
        "membership_id"
    )
    return (
        Membership.objects.filter(
            organization_id=point.organization_id, role__in=OPERATOR_ROLES, is_active=True
        )
        .exclude(pk__in=working)
        .select_related("user")
        .order_by("user__full_name")
    )


@audited_refusal("desk.point_refused")
def add_operator(actor: Actor, point: WelfarePoint, membership: Membership) -> PointOperator:
    _require(actor, point.organization)
    if (
        membership.organization_id != point.organization_id
        or membership.role not in OPERATOR_ROLES
        or not membership.is_active
    ):
        raise ValidationError(
            {
                "membership": _(
                    "Può lavorare al punto solo il personale dell'organizzazione con un ruolo "
                    "del Punto Welfare (Welfare Manager, operatore o coordinatore)."
                )
            }
        )
    operator, created = PointOperator.objects_unscoped.get_or_create(
        point=point, membership=membership
    )
    if not created and operator.is_active:
        return operator
    operator.is_active = True
    operator.save(update_fields=["is_active"])
    audit.record(
        actor,
        "desk.operator_added",
        point,
        organization=point.organization,
        person=membership.user.person,
        after={"user": membership.user.email, "role": membership.role},
    )
    return operator


@audited_refusal("desk.point_refused")
def remove_operator(actor: Actor, operator: PointOperator, reason: str = "") -> PointOperator:
    operator = PointOperator.objects_unscoped.select_related(
        "point__organization", "membership__user"
    ).get(pk=operator.pk)
    _require(actor, operator.point.organization)
    if not operator.is_active:
        return operator
    operator.is_active = False
    operator.save(update_fields=["is_active"])
    audit.record(
        actor,
        "desk.operator_removed",
        operator.point,
        organization=operator.point.organization,
        before={"user": operator.membership.user.email, "role": operator.membership.role},
        reason=reason,
    )
    return operator
