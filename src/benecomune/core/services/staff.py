"""An organisation's staff: invitations by e-mail, role changes, deactivation.

The same functions serve a Comune's staff, a shop's, a provider's, a company's and the
network's own, and the platform admin inviting the first administrator of an organisation.
An invitation is a single-use link that expires; only its hash is stored. The account and the
role are created when the invited person opens the link and chooses a password; the second
factor is then enrolled at first login (StaffSecondFactorMiddleware), like every staff role.
"""

import secrets
from datetime import timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import ROLE_PERMISSIONS, Actor
from benecomune.core.models import (
    Invitation,
    Membership,
    Organization,
    OrganizationKind,
    Role,
    User,
    role_fits,
)
from benecomune.core.models.tokens import hash_token
from benecomune.core.notifications import EMAIL, notify
from benecomune.core.services import memberships

INVITATION_DAYS = 7

# Who may manage the staff of each kind of organisation (any one of these permissions).
MANAGE_PERMISSIONS = {
    OrganizationKind.NETWORK: ("organizations.manage",),
    OrganizationKind.MUNICIPALITY: ("members.manage",),
    OrganizationKind.PROVIDER: ("merchant.manage", "provider.manage"),
    OrganizationKind.COMPANY: ("company.manage",),
}


def roles_for(organization: Organization) -> list[tuple[str, str]]:
    """The roles that can be given in an organisation of this kind, as form choices."""
    return [(role.value, role.label) for role in Role if role_fits(role, organization.kind)]


def can_manage_staff(actor: Actor, organization: Organization) -> bool:
    return any(
        actor.has_perm(permission, organization)
        for permission in MANAGE_PERMISSIONS.get(organization.kind, ())
    )


def _require_manage(actor: Actor, organization: Organization) -> None:
    if not can_manage_staff(actor, organization):
        actor.require("organizations.manage", organization)  # raises, in Italian


def _is_manager_role(role: str, organization: Organization) -> bool:
    granted = ROLE_PERMISSIONS.get(role, frozenset())
    return any(p in granted for p in MANAGE_PERMISSIONS.get(organization.kind, ()))


def _check_role(role: str, organization: Organization) -> None:
    if role not in dict(roles_for(organization)):
        raise ValidationError(
            {"role": _("Questo ruolo non si può assegnare in questa organizzazione.")}
        )


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": _("Indirizzo e-mail non valido.")}) from exc
    return email


def invitation_link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("core:invitation_accept", kwargs={"token": token})


def _send_invitation(invitation: Invitation, organization: Organization, link: str) -> None:
    context = {
        "name": invitation.full_name,
        "org": organization.name,
        "role": invitation.get_role_display(),
        "until": formats.date_format(timezone.localtime(invitation.expires_at), "j F Y"),
        "link": link,
    }
    notify(
        invitation.email, "staff_invitation", context, organization=organization, channels=[EMAIL]
    )


@transaction.atomic
def invite(
    actor: Actor,
    organization: Organization,
    *,
    email: str,
    full_name: str,
    role: str,
    base_url: str,
) -> Invitation:
    """Invite someone to the organisation's staff with a role. A pending invitation of the
    same person for the same role is replaced (the old link stops working)."""
    _require_manage(actor, organization)
    errors: dict = {}
    try:
        email = _clean_email(email)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    full_name = " ".join((full_name or "").split())[:200]
    if not full_name:
        errors["full_name"] = [_("Indichi nome e cognome.")]
    try:
        _check_role(role, organization)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if (
        not errors
        and Membership.objects.filter(
            user__email__iexact=email, organization=organization, role=role, is_active=True
        ).exists()
    ):
        errors["email"] = [
            _("%(email)s ha già il ruolo «%(role)s» in questa organizzazione.")
            % {"email": email, "role": Role(role).label}
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    superseded = Invitation.objects_unscoped.filter(
        organization=organization,
        email=email,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    )
    superseded.update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects_unscoped.create(
        organization=organization,
        email=email,
        full_name=full_name,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor.user,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    audit.record(
        actor,
        "invitation.created",
        invitation,
        organization=organization,
        after={"email": email, "full_name": full_name, "role": role},
    )
    _send_invitation(invitation, organization, invitation_link(base_url, token))
    return invitation


@transaction.atomic
def revoke_invitation(actor: Actor, invitation: Invitation) -> Invitation:
    _require_manage(actor, invitation.organization)
    invitation = Invitation.objects_unscoped.select_for_update().get(pk=invitation.pk)
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            actor,
            "invitation.revoked",
            invitation,
            organization=invitation.organization_id,
            after={"email": invitation.email, "role": invitation.role},
        )
    return invitation


def find_invitation(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects_unscoped.select_related("organization")
        .filter(token_hash=hash_token(token))
        .first()
    )


def invitation_problem(invitation: Invitation | None) -> str:
    """Why a link cannot be used, in words for the person who opened it ("" if it can)."""
    if invitation is None:
        return _("Il collegamento non è valido: lo copi per intero dall'e-mail ricevuta.")
    if invitation.accepted_at:
        return _("Questo invito è già stato usato. Acceda con e-mail e password.")
    if invitation.revoked_at:
        return _("Questo invito è stato annullato. Chieda a chi l'ha invitata un nuovo invito.")
    if invitation.expires_at <= timezone.now():
        return _("Questo invito è scaduto. Chieda a chi l'ha invitata di mandarne uno nuovo.")
    return ""


def account_exists(invitation: Invitation) -> bool:
    """True when the invited address already has an account with a password: it confirms
    with that password instead of choosing a new one."""
    user = User.objects.filter(email__iexact=invitation.email).first()
    return bool(user and user.has_usable_password())


@transaction.atomic
def accept_invitation(
    token: str, *, password: str, ip_address: str | None = None
) -> tuple[User, Membership]:
    """Use the invitation: create the account (or confirm the existing one with its password)
    and give the role. Single use: a second call with the same token fails."""
    invitation = find_invitation(token)
    if invitation is not None:
        invitation = Invitation.objects_unscoped.select_for_update().get(pk=invitation.pk)
    problem = invitation_problem(invitation)
    if problem:
        raise ValidationError(problem)
    user = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
    if user is not None and user.has_usable_password():
        if not user.check_password(password):
            raise ValidationError(
                {"password": _("La password non è quella del suo account: riprovi.")}
            )
    else:
        candidate = user or User(email=invitation.email, full_name=invitation.full_name)
        try:
            password_validation.validate_password(password, candidate)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        if user is None:
            user = User.objects.create_user(
                invitation.email, password, full_name=invitation.full_name
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
    actor = Actor(user=user, ip_address=ip_address)
    # No permission check: the invitation was the permission.
    membership = memberships.activate(actor, user, invitation.organization, invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.membership = membership
    invitation.save(update_fields=["accepted_at", "membership"])
    audit.record(
        actor,
        "invitation.accepted",
        invitation,
        organization=invitation.organization,
        person=user.person,
        after={"email": user.email, "role": invitation.role},
    )
    return user, membership


def _keep_a_manager(membership: Membership) -> None:
    """An organisation must keep someone who can manage its staff: otherwise nobody could
    invite anyone again without the platform's help."""
    organization = membership.organization
    if not _is_manager_role(membership.role, organization):
        return
    others = Membership.objects.filter(organization=organization, is_active=True).exclude(
        pk=membership.pk
    )
    if not any(_is_manager_role(m.role, organization) for m in others):
        raise ValidationError(
            _(
                "%(name)s è l'ultima persona che può gestire il personale di %(org)s: "
                "inviti prima un altro amministratore."
            )
            % {"name": membership.user.full_name or membership.user.email, "org": organization}
        )


def _not_self(actor: Actor, membership: Membership) -> None:
    if actor.user and membership.user_id == actor.user.pk:
        raise ValidationError(
            _("Non può cambiare il proprio ruolo: lo chieda a un altro amministratore.")
        )


@transaction.atomic
def change_role(actor: Actor, membership: Membership, role: str, *, reason: str = "") -> Membership:
    """Give a staff member another role in the same organisation."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=membership.pk)
    )
    organization = membership.organization
    _require_manage(actor, organization)
    _not_self(actor, membership)
    _check_role(role, organization)
    if not membership.is_active:
        raise ValidationError(_("Questo ruolo è disattivato: inviti di nuovo la persona."))
    if role == membership.role:
        return membership
    if Membership.objects.filter(
        user=membership.user, organization=organization, role=role
    ).exists():
        raise ValidationError(
            {
                "role": _(
                    "%(name)s ha già avuto questo ruolo: disattivi questo e la inviti di nuovo."
                )
                % {"name": membership.user.full_name or membership.user.email}
            }
        )
    _keep_a_manager(membership)
    before = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        actor,
        "membership.role_changed",
        membership,
        organization=organization,
        person=membership.user.person,
        before={"user": membership.user.email, "role": before},
        after={"user": membership.user.email, "role": role},
        reason=reason,
    )
    return membership


@transaction.atomic
def deactivate(actor: Actor, membership: Membership, *, reason: str = "") -> Membership:
    """Take a role away. The person keeps the account (and the citizen area, if any) but no
    longer acts for the organisation: the role disappears from their next request."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("organization", "user")
        .get(pk=membership.pk)
    )
    _require_manage(actor, membership.organization)
    if actor.user and membership.user_id == actor.user.pk:
        raise ValidationError(
            _("Non può disattivare sé stesso: lo chieda a un altro amministratore.")
        )
    if not membership.is_active:
        return membership
    _keep_a_manager(membership)
    return memberships.deactivate(
        actor,
        membership,
        organization=membership.organization,
        person=membership.user.person,
        before={"user": membership.user.email, "role": membership.role, "is_active": True},
        reason=reason,
    )
