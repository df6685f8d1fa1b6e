"""Who sees what at a Welfare Point.

- An operator (welfare manager, desk staff, coordinator) sees the cases of the Points they
  work at, nothing else: another Point's case is not found (404), whatever their
  organisation's other roles may see. Admins of the organisation manage Points and operators
  but do not read cases.
- A Point that receives a referral (desk.services.referrals) also sees the referred case,
  read-only: changes stay with the case's own Point (`own_cases`).
- A confidential note is read by the case's team only: the operator the case is assigned
  to, the Point's coordinators, and the note's author. Nobody else, admins included.
- A refused attempt (another Point's case, a bad codice fiscale) changes nothing and is
  audited in a transaction of its own, since the refused change's is rolled back.
"""

from django.db import transaction
from django.db.models import Q
from django.http import Http404

from benecomune.core import audit
from benecomune.core.models import Role
from benecomune.desk.models import (
    Case,
    CaseNote,
    PointOperator,
    Referral,
    ReferralStatus,
    WelfarePoint,
)

OPERATOR_ROLES = (Role.WELFARE_MANAGER, Role.WELFARE_DESK_STAFF, Role.WELFARE_COORDINATOR)


def is_operator_role(actor) -> bool:
    return bool(actor and actor.membership and actor.membership.role in OPERATOR_ROLES)


def my_points(actor):
    """The active Points where the actor works, in their active role."""
    if not is_operator_role(actor) or not actor.membership.is_active:
        return WelfarePoint.objects_unscoped.none()
    return WelfarePoint.objects_unscoped.filter(
        is_active=True,
        operators__membership=actor.membership,
        operators__is_active=True,
    )


def coordinated_points(actor):
    if actor.membership is None or actor.membership.role != Role.WELFARE_COORDINATOR:
        return WelfarePoint.objects_unscoped.none()
    return my_points(actor)


def public_points():
    """The Points on the public directory: active, listed, of an active organisation (every
    network's: the page is the same for everyone)."""
    return (
        WelfarePoint.objects_unscoped.filter(
            is_public=True, is_active=True, organization__is_active=True
        )
        .select_related("municipality", "organization")
        .order_by("municipality__name", "name")
    )


def own_cases(actor):
    """The cases of the actor's Points (unscoped rows: this filter is the scope)."""
    return Case.objects_unscoped.filter(point__in=my_points(actor).values("pk"))


def visible_cases(actor):
    """The cases of the actor's Points and those referred to them (not declined)."""
    referred = (
        Referral.objects_unscoped.filter(to_point__in=my_points(actor).values("pk"))
        .exclude(status=ReferralStatus.DECLINED)
        .values("case_id")
    )
    return Case.objects_unscoped.filter(
        Q(point__in=my_points(actor).values("pk")) | Q(pk__in=referred)
    )


# Who answers the referrals sent to their organisation as a provider or a Comune office.
RECEIVING_PERMISSIONS = ("provider.manage", "desk.assist", "desk.points")


def received_referrals(actor):
    """The referrals the actor's organisation received: those to a Point, for its operators;
    the others, for the organisation's provider staff, desk or admin."""
    if actor is None or actor.system or actor.organization is None:
        return Referral.objects_unscoped.none()
    to_points = Q(to_point__in=my_points(actor).values("pk"))
    if any(actor.has_perm(code) for code in RECEIVING_PERMISSIONS):
        to_points |= Q(to_point__isnull=True)
    return Referral.objects_unscoped.filter(to_points, to_organization=actor.organization)


def record_refusal(actor, action: str, *, reason: str, after: dict | None = None, obj=None):
    """Audit a refused attempt after its own transaction rolled back."""
    with transaction.atomic():
        audit.record(
            actor,
            action,
            obj,
            organization=actor.organization,
            after=after or {},
            reason=reason,
        )


def case_or_404(actor, pk, *, queryset=None):
    """The case if the actor works at its Point; otherwise 404, and the attempt audited."""
    rows = queryset if queryset is not None else visible_cases(actor)
    case = rows.filter(pk=pk).first()
    if case is None:
        record_refusal(
            actor,
            "desk.case_access_refused",
            reason="caso di un altro Punto Welfare o inesistente",
            after={"case": str(pk)},
        )
        raise Http404
    return case


def team_user_ids(case: Case) -> set[int]:
    """The case's team: its operator and the Point's coordinators."""
    coordinators = PointOperator.objects_unscoped.filter(
        point_id=case.point_id,
        is_active=True,
        membership__is_active=True,
        membership__role=Role.WELFARE_COORDINATOR,
    ).values_list("membership__user_id", flat=True)
    return {case.assigned_to_id, *coordinators}


def in_team(actor, case: Case) -> bool:
    if actor.user is None or not my_points(actor).filter(pk=case.point_id).exists():
        return False
    return actor.user.pk in team_user_ids(case)


def visible_notes(actor, case: Case):
    """The notes of `case` the actor may read (the caller has checked the case)."""
    notes = CaseNote.objects_unscoped.filter(case=case).select_related("author")
    if in_team(actor, case):
        return notes
    return notes.filter(Q(confidential=False) | Q(author=actor.user))
