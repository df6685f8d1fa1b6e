"""Shared value pages: the projects and agreements of a Comune or of a network (funds.manage,
each its own only: a network's staff do not manage their member Comuni's projects, nor a
Comune the network's: 404), the merchant's agreements to accept (merchant.manage /
provider.manage), the public project pages (no login, no personal data: amounts, counts and the
names of merchants who agreed to be named)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.models import Organization, OrganizationKind, Provider
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.money import parse_euro
from benecomune.observatory.forms_shared_value import AcceptForm, AgreementForm, ProjectForm
from benecomune.observatory.models import (
    AgreementState,
    ProjectStatus,
    SharedValueAgreement,
    ShareMode,
    SocialProject,
)
from benecomune.observatory.pdf_agreement import (
    reason_text,
    render_agreement,
    share_text,
    state_text,
)
from benecomune.observatory.services import dataset_shared_value
from benecomune.observatory.services import shared_value as sv
from benecomune.observatory.services import shared_value_routing as routing
from benecomune.observatory.services.shared_value_supporters import project_supporters
from benecomune.observatory.services.suppression import min_merchants


def _organization(request) -> Organization:
    return get_object_or_404(Organization, pk=request.actor.organization.pk)


def own_projects(request):
    """The projects of the acting Comune or network itself (not of a network's members)."""
    return SocialProject.objects.filter(organization_id=request.actor.organization.pk)


def own_project(request, pk) -> SocialProject:
    return get_object_or_404(own_projects(request).select_related("beneficiary"), pk=pk)


def active_providers():
    """The bodies and merchants a Comune may name (beneficiary, agreement's party)."""
    return Provider.objects.filter(is_active=True).order_by("name")


def _with_text(agreements):
    """Shares, state and reason as the PDF words them; `endable`: signed, not ended, not
    expired (either side may end it early)."""
    today = timezone.localdate()
    for agreement in agreements:
        agreement.shares = [
            share_text(agreement, getattr(agreement, field)) for field in sv.WALLET_FIELDS
        ]
        agreement.state_text = state_text(agreement)
        agreement.reason_text = reason_text(agreement)
        agreement.endable = agreement.state == AgreementState.SIGNED and (
            agreement.valid_until > today
        )
    return agreements


# --- Comune staff ---------------------------------------------------------------------------


@staff_permission("funds.manage")
def manage(request):
    organization = request.actor.organization
    projects = list(own_projects(request).select_related("beneficiary").order_by("-created_at"))
    for project in projects:
        project.figures = routing.project_figures(project)
    agreements = _with_text(
        list(
            SharedValueAgreement.objects.filter(organization_id=organization.pk)
            .select_related("merchant", "project")
            .order_by("-valid_from")
        )
    )
    return render(
        request,
        "observatory/shared_value/manage.html",
        {
            "projects": projects,
            "agreements": agreements,
            "is_network": organization.kind == OrganizationKind.NETWORK,
            "has_public": any(p.status in routing.PUBLIC for p in projects),
            "organization": organization,
        },
    )


@staff_permission("funds.manage")
def project_create(request):
    organization = _organization(request)
    form = ProjectForm(request.POST or None, providers=active_providers())
    if request.method == "POST" and form.is_valid():
        try:
            sv.create_project(request.actor, organization, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Progetto creato: lo apra alla raccolta quando è pronto."))
            return redirect("observatory:sv_manage")
    return render(request, "observatory/shared_value/form.html",
                  {"form": form, "title": _("Nuovo progetto sociale")})  # fmt: skip


@require_POST
@staff_permission("funds.manage")
def project_status(request, pk):
    project = own_project(request, pk)
    target = request.POST.get("status", "")
    try:
        sv.set_project_status(request.actor, project, target)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Stato del progetto aggiornato."))
    return redirect("observatory:sv_manage")


@require_POST
@staff_permission("payouts.manage")
def project_disburse(request, pk):
    project = own_project(request, pk)
    try:
        order = routing.disburse(request.actor, project)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Erogazione registrata: il bonifico andrà nella prossima distinta (ordine n. %(n)s).")
            % {"n": order.pk},
        )
    return redirect("observatory:sv_manage")


def _share_values(data) -> dict:
    values = {field: data[field] for field in sv.WALLET_FIELDS}
    if data["mode"] == ShareMode.FIXED:
        for field, text in values.items():
            cleaned = (text or "").strip()
            values[field] = 0 if cleaned in ("", "0", "0,00", "0.00") else parse_euro(cleaned)
    return values


@staff_permission("funds.manage")
def agreement_create(request):
    organization = _organization(request)
    form = AgreementForm(
        request.POST or None,
        merchants=sv.merchants_of(organization),
        projects=own_projects(request).exclude(status=ProjectStatus.CLOSED).order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sv.propose_agreement(
                request.actor,
                organization,
                merchant=data["merchant"],
                project=data["project"],
                mode=data["mode"],
                values=_share_values(data),
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Accordo proposto: vale quando l'esercente lo accetta."))
            return redirect("observatory:sv_manage")
    return render(request, "observatory/shared_value/form.html",
                  {"form": form, "title": _("Nuovo accordo di valore condiviso")})  # fmt: skip


def _agreement_for(request, pk) -> SharedValueAgreement:
    """The agreement, for the Comune that made it or the merchant it binds; else 404."""
    agreement = sv.agreement_for(request.actor, pk) if request.actor else None
    if agreement is None:
        raise Http404
    return agreement


@require_GET
@staff_permission("merchant.view")
def agreement_pdf_merchant(request, pk):
    return _pdf(_agreement_for(request, pk))


@require_GET
@staff_permission("funds.manage")
def agreement_pdf(request, pk):
    return _pdf(_agreement_for(request, pk))


def _pdf(agreement):
    response = HttpResponse(render_agreement(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="accordo-{agreement.pk}.pdf"'
    return response


# --- Merchant -------------------------------------------------------------------------------


@staff_permission("merchant.view")
def merchant_agreements(request):
    merchant_id = request.actor.organization.pk
    agreements = _with_text(sv.merchant_agreements(merchant_id))
    for agreement in agreements:
        agreement.figures = routing.project_figures(agreement.project)
    return render(
        request,
        "observatory/shared_value/merchant.html",
        {"agreements": agreements, "form": AcceptForm()},
    )


@require_POST
@staff_permission("merchant.view")
def merchant_accept(request, pk):
    agreement = _agreement_for(request, pk)
    form = AcceptForm(request.POST)
    form.is_valid()
    try:
        sv.accept_agreement(
            request.actor, agreement, named_publicly=form.cleaned_data.get("named_publicly", False)
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(
            request, _("Accordo accettato: da oggi ogni pagamento sostiene il progetto.")
        )
    return redirect("observatory:sv_merchant")


# --- Public ---------------------------------------------------------------------------------


@require_GET
def public_project(request, pk):
    """The project's figures, the shops that support it (and supported it), and its months as
    the open dataset publishes them (same suppression: dataset_shared_value.project_table)."""
    project = routing.public_project(pk)
    if project is None:
        raise Http404
    return render(
        request,
        "observatory/shared_value/project.html",
        {
            "project": project,
            "figures": routing.project_figures(project),
            "supporters": project_supporters(project),
            "table": dataset_shared_value.project_table(project),
            "k": min_merchants(),
        },
    )


def _with_figures(projects) -> dict:
    totals = routing.comune_totals(projects)
    for project, figures in zip(projects, totals["figures"], strict=True):
        project.figures = figures
    return totals


@require_GET
def public_comune(request, pk):
    """A Comune's public projects with their totals, and (apart, not in the totals) the
    projects of its network, which its shops may also support."""
    organization = get_object_or_404(Organization, pk=pk, kind=OrganizationKind.MUNICIPALITY)
    projects = routing.public_projects(organization)
    network = organization.network if organization.network_id else None
    network_projects = routing.public_projects(network) if network else []
    if not projects and not network_projects:
        raise Http404
    totals = _with_figures(projects)
    _with_figures(network_projects)
    return render(
        request,
        "observatory/shared_value/comune.html",
        {
            "organization": organization,
            "projects": projects,
            "totals": totals,
            "network": network,
            "network_projects": network_projects,
        },
    )


@require_GET
def public_network(request, pk):
    """A network's own public projects with their totals, and its member Comuni that have
    public projects of their own (links to their pages)."""
    network = get_object_or_404(Organization, pk=pk, kind=OrganizationKind.NETWORK)
    projects = routing.public_projects(network)
    members = routing.comuni_with_projects(network)
    if not projects and not members:
        raise Http404
    totals = _with_figures(projects)
    return render(
        request,
        "observatory/shared_value/network.html",
        {"organization": network, "projects": projects, "totals": totals, "members": members},
    )
