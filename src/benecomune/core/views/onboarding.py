"""The platform admin's pages: the network's organisations, adding a Comune, a company or a
provider, and each organisation's page with its staff (where its first administrator is
invited). A Comune's own admin edits its contacts and logo from "Dati del Comune"."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from benecomune.core.models import Municipality, Organization, OrganizationKind, Role
from benecomune.core.services import onboarding
from benecomune.core.staff_forms import (
    CompanyForm,
    MunicipalityContactsForm,
    MunicipalityForm,
    ProviderForm,
)
from benecomune.core.views.decorators import staff_permission
from benecomune.core.views.people import _add_errors
from benecomune.core.views.staff import handle_invite, staff_context


def _network(request):
    organization = request.actor.organization
    if organization.kind != OrganizationKind.NETWORK:
        raise PermissionDenied
    return organization.specific


@staff_permission("organizations.manage")
def organization_list(request):
    network = _network(request)
    organizations = (
        Organization.objects.filter(network=network)
        .annotate(
            staff_count=Count("memberships", filter=Q(memberships__is_active=True)),
            pending_invitations=Count(
                "invitations",
                filter=Q(
                    invitations__accepted_at__isnull=True, invitations__revoked_at__isnull=True
                ),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    groups = [
        (kind, label, [o for o in organizations if o.kind == kind])
        for kind, label in (
            (OrganizationKind.MUNICIPALITY, _("Comuni")),
            (OrganizationKind.COMPANY, _("Aziende")),
            (OrganizationKind.PROVIDER, _("Fornitori ed esercenti")),
        )
    ]
    return render(request, "core/onboarding/list.html", {"network": network, "groups": groups})


def _create(request, form, create, template, title):
    if request.method == "POST" and form.is_valid():
        try:
            organization = create(**form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s è stato aggiunto. Ora inviti il suo primo amministratore.")
                % {"name": organization.name},
            )
            return redirect("core:organization_detail", pk=organization.pk)
    return render(request, template, {"form": form, "title": title})


@staff_permission("organizations.manage")
def municipality_create(request):
    network = _network(request)
    form = MunicipalityForm(request.POST or None, request.FILES or None)
    return _create(
        request,
        form,
        lambda **data: onboarding.add_municipality(request.actor, network, **data),
        "core/onboarding/form.html",
        _("Aggiungi un Comune"),
    )


@staff_permission("organizations.manage")
def company_create(request):
    network = _network(request)
    form = CompanyForm(request.POST or None)
    return _create(
        request,
        form,
        lambda **data: onboarding.add_company(request.actor, network, **data),
        "core/onboarding/form.html",
        _("Aggiungi un'azienda"),
    )


@staff_permission("organizations.manage")
def provider_create(request):
    network = _network(request)
    form = ProviderForm(
        request.POST or None,
        municipalities=Municipality.objects.filter(network=network).order_by("name"),
    )
    return _create(
        request,
        form,
        lambda **data: onboarding.add_provider(request.actor, network, **data),
        "core/onboarding/form.html",
        _("Aggiungi un fornitore o un esercente"),
    )


@staff_permission("organizations.manage")
def organization_detail(request, pk):
    network = _network(request)
    organization = get_object_or_404(
        Organization.objects.filter(Q(network=network) | Q(pk=network.pk)), pk=pk
    ).specific
    form = None
    if request.method == "POST":
        form = handle_invite(request, organization)
        if form is None:
            return redirect("core:organization_detail", pk=organization.pk)
    return render(
        request,
        "core/onboarding/detail.html",
        staff_context(request, organization, form),
    )


def _municipality_for_edit(request, pk):
    """The platform admin edits any Comune of the network; a Comune's admin only its own."""
    actor = request.actor
    if actor is None or actor.membership is None:
        raise PermissionDenied
    municipality = get_object_or_404(Municipality.objects.filter(pk__in=actor.tenant_ids), pk=pk)
    if not (
        actor.has_perm("organizations.manage", municipality)
        or actor.has_perm("members.manage", municipality)
    ):
        raise PermissionDenied
    return municipality


@staff_permission("people.view")
def municipality_edit(request, pk):
    municipality = _municipality_for_edit(request, pk)
    form = MunicipalityContactsForm(
        request.POST or None,
        request.FILES or None,
        initial={f: getattr(municipality, f) for f in ("email", "phone", "address", "pec")}
        | {"treasury_iban": municipality.treasury_iban},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        logo = data.pop("logo")
        try:
            onboarding.update_municipality(
                request.actor,
                municipality,
                **data,
                logo=logo or None,
                remove_logo=logo is False,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Dati del Comune salvati."))
            if request.actor.role == Role.PLATFORM_ADMIN:
                return redirect("core:organization_detail", pk=municipality.pk)
            return redirect("core:home")
    return render(
        request, "core/onboarding/edit.html", {"form": form, "municipality": municipality}
    )
