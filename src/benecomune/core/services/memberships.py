"""Roles: granting and revoking memberships."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Membership, Organization, User, role_fits


@transaction.atomic
def grant_role(actor: Actor, user: User, organization: Organization, role: str) -> Membership:
    actor.require("members.manage", organization)
    if not role_fits(role, organization.kind):
        raise ValidationError(
            _("Il ruolo scelto non può essere assegnato in un'organizzazione di questo tipo.")
        )
    return activate(actor, user, organization, role)


def activate(actor: Actor, user: User, organization: Organization, role: str) -> Membership:
    """Give `user` the role (or turn an old one back on), audited; no permission check: for
    the services that have checked already (grant_role, invitations, a shop's staff)."""
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"is_active": True}
    )
    if not created and membership.is_active:
        return membership
    if not created:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    audit.record(
        actor,
        "membership.granted",
        membership,
        organization=organization,
        person=user.person,
        after={"user": user.email, "role": role},
    )
    return membership


@transaction.atomic
def revoke_role(actor: Actor, membership: Membership, reason: str) -> Membership:
    actor.require("members.manage", membership.organization)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    return deactivate(
        actor,
        membership,
        organization=membership.organization,
        person=membership.user.person,
        before={"is_active": True},
        reason=reason,
    )


def deactivate(actor: Actor, membership: Membership, *, before: dict, reason: str, **scope):
    """Turn a (locked, active) membership off, audited with `before` and `scope`
    (organization, person); the callers have checked who may."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(
        actor,
        "membership.revoked",
        membership,
        before=before,
        after={"is_active": False},
        reason=reason,
        **scope,
    )
    return membership
