"""Staff pages: an organisation's people and roles, invitations, and the invitation link.

The same section serves the staff page of the active role's organisation (a Comune, a shop,
a provider, a company) and the platform admin's page of any organisation of the network.
Memberships and invitations of organisations outside the actor's tenants are not found (404).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.middleware import ACTIVE_MEMBERSHIP_KEY, client_ip
from benecomune.core.models import Invitation, Membership, OrganizationKind, Role
from benecomune.core.services import staff as staff_services
from benecomune.core.staff_forms import AcceptInvitationForm, InviteForm
from benecomune.core.views.people import _add_errors

# The role proposed when inviting someone to an organisation with nobody in it yet.
FIRST_ADMIN_ROLE = {
    OrganizationKind.NETWORK: Role.PLATFORM_ADMIN,
    OrganizationKind.MUNICIPALITY: Role.MUNICIPALITY_ADMIN,
    OrganizationKind.COMPANY: Role.COMPANY_HR,
    OrganizationKind.PROVIDER: Role.PROVIDER_STAFF,
}


def first_admin_role(organization) -> str:
    if (
        organization.kind == OrganizationKind.PROVIDER
        and organization.specific.provider_kind == "shop"
    ):
        return Role.MERCHANT_STAFF
    return FIRST_ADMIN_ROLE[organization.kind]


def staff_context(request, organization, form=None) -> dict:
    """What the staff section (core/staff/_section.html) shows for one organisation."""
    roles = staff_services.roles_for(organization)
    members = list(
        Membership.objects.filter(organization=organization)
        .select_related("user")
        .order_by("-is_active", "user__full_name")
    )
    if form is None:
        form = InviteForm(roles=roles)
        if not any(m.is_active for m in members):
            form.fields["role"].initial = first_admin_role(organization)
    return {
        "organization": organization,
        "members": members,
        "invitations": list(
            Invitation.objects_unscoped.filter(organization=organization).select_related(
                "invited_by"
            )[:30]
        ),
        "roles": roles,
        "invite_form": form,
        "can_manage": staff_services.can_manage_staff(request.actor, organization),
        "here": request.get_full_path(),
    }


def handle_invite(request, organization):
    """POST of the invite form: a redirect when done, else the form with its errors."""
    form = InviteForm(request.POST, roles=staff_services.roles_for(organization))
    if form.is_valid():
        try:
            invitation = staff_services.invite(
                request.actor,
                organization,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Invito inviato a %(email)s: il collegamento vale 7 giorni.")
                % {"email": invitation.email},
            )
            return None
    return form


@login_required
def staff_page(request):
    actor = request.actor
    if actor is None or actor.membership is None:
        raise PermissionDenied
    organization = actor.organization.specific
    if not staff_services.can_manage_staff(actor, organization):
        raise PermissionDenied
    form = None
    if request.method == "POST":
        form = handle_invite(request, organization)
        if form is None:
            return redirect("core:staff")
    return render(request, "core/staff/page.html", staff_context(request, organization, form))


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("core:staff")


def _membership(request, pk) -> Membership:
    actor = request.actor
    if actor is None or actor.membership is None:
        raise PermissionDenied
    return get_object_or_404(
        Membership.objects.select_related("organization", "user"),
        pk=pk,
        organization_id__in=actor.tenant_ids,
    )


def _act(request, action, success: str):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return _back(request)


@login_required
@require_POST
def staff_role(request, pk):
    membership = _membership(request, pk)
    role = request.POST.get("role", "")
    return _act(
        request,
        lambda: staff_services.change_role(request.actor, membership, role),
        _("Ruolo di %(name)s cambiato.") % {"name": membership.user.full_name},
    )


@login_required
@require_POST
def staff_deactivate(request, pk):
    membership = _membership(request, pk)
    return _act(
        request,
        lambda: staff_services.deactivate(
            request.actor, membership, reason=request.POST.get("reason", "")[:300]
        ),
        _("%(name)s non opera più per %(org)s.")
        % {"name": membership.user.full_name, "org": membership.organization.name},
    )


@login_required
@require_POST
def invitation_revoke(request, pk):
    actor = request.actor
    if actor is None or actor.membership is None:
        raise PermissionDenied
    invitation = get_object_or_404(
        Invitation.objects_unscoped.select_related("organization"),
        pk=pk,
        organization_id__in=actor.tenant_ids,
    )
    return _act(
        request,
        lambda: staff_services.revoke_invitation(actor, invitation),
        _("Invito annullato: il collegamento non funziona più."),
    )


def invitation_accept(request, token):
    """The link in the invitation e-mail: choose a password, then enrol the second factor."""
    invitation = staff_services.find_invitation(token)
    problem = staff_services.invitation_problem(invitation)
    if problem:
        return render(request, "core/staff/accept.html", {"problem": problem}, status=410)
    existing = staff_services.account_exists(invitation)
    form = AcceptInvitationForm(request.POST or None, existing_account=existing)
    if request.method == "POST" and form.is_valid():
        try:
            user, membership = staff_services.accept_invitation(
                token, password=form.cleaned_data["password"], ip_address=client_ip(request)
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            login(request, user, backend="benecomune.core.auth.EmailBackend")
            request.session[ACTIVE_MEMBERSHIP_KEY] = membership.pk
            messages.success(
                request,
                _(
                    "Invito accettato. Ultimo passo: attivi la verifica in due passaggi con "
                    "l'app di autenticazione del telefono."
                ),
            )
            return redirect(reverse("core:totp_setup") + "?next=/")
    return render(
        request,
        "core/staff/accept.html",
        {"invitation": invitation, "form": form, "existing_account": existing},
    )
