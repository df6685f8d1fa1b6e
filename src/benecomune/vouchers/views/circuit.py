"""The Comune's pages: its circuit (requests, members, addresses, search), the decisions on
requests, and where its vouchers are spent. A Comune also sees, read-only, the circuit of its
network, whose shops take its vouchers too; the network's administrator decides there."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.exports import csv_response
from benecomune.core.forms_helpers import pairs_querystring
from benecomune.core.lists import choice, export, paged
from benecomune.core.models import Municipality, Organization, OrganizationKind
from benecomune.core.services.jobs import start_job
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.money import format_decimal
from benecomune.vouchers.forms import PeriodForm, ReasonForm
from benecomune.vouchers.models import CircuitMembership, MembershipStatus, PointOfSale
from benecomune.vouchers.services import circuit as circuit_services
from benecomune.vouchers.services import reports

ACTIONS = {
    "approve": circuit_services.approve,
    "reject": circuit_services.reject,
    "suspend": circuit_services.suspend,
    "reinstate": circuit_services.reinstate,
}


def visible_circuits(actor) -> list[int]:
    """The actor's own organisations and the network above them."""
    ids = set(actor.tenant_ids)
    network_id = actor.organization.network_id
    if network_id:
        ids.add(network_id)
    return sorted(ids)


def _members(request):
    return CircuitMembership.objects_unscoped.filter(
        organization_id__in=visible_circuits(request.actor)
    ).select_related("merchant", "merchant__municipality", "organization", "municipality")


@staff_permission("circuit.manage")
def circuit_list(request):
    query = request.GET.get("q", "").strip()[:100]
    status = choice(request, "stato", MembershipStatus)
    members = _members(request)
    if query:
        members = members.filter(
            Q(merchant__name__icontains=query)
            | Q(address__icontains=query)
            | Q(vat_number__icontains=query)
            | Q(municipality__name__icontains=query)
            | Q(merchant__points_of_sale__address__icontains=query)
        ).distinct()
    if status:
        members = members.filter(status=status)
    members = members.order_by("status", "merchant__name")
    response = export(request, csv=lambda: _csv(members))
    if response is not None:
        return response
    # The search as read (trimmed, cut to 100 characters), for the page and export links.
    listing = paged(
        request,
        members,
        per_page=30,
        querystring=pairs_querystring(("q", query), ("stato", status)),
    )
    points: dict[int, list] = {}
    for point in PointOfSale.objects_unscoped.filter(
        merchant_id__in=[m.merchant_id for m in listing.page], is_active=True
    ):
        points.setdefault(point.merchant_id, []).append(point)
    rows = [{"member": m, "points": points.get(m.merchant_id, [])} for m in listing.page]
    pending = _members(request).filter(status=MembershipStatus.PENDING).count()
    return render(
        request,
        "vouchers/circuit/list.html",
        {
            **listing.context(),
            "rows": rows,
            "query": query,
            "status": status,
            "statuses": MembershipStatus.choices,
            "pending": pending,
        },
    )


def _csv(members) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    header = ["esercente", "partita IVA", "categoria", "indirizzo", "Comune", "circuito", "stato"]
    rows = (
        [
            m.merchant.name,
            m.vat_number,
            m.get_category_display(),
            m.address,
            m.municipality.name,
            m.organization.name,
            m.get_status_display(),
        ]
        for m in members
    )
    return csv_response(header, rows, f"circuito-{stamp}.csv")


@staff_permission("circuit.manage")
def member_detail(request, pk):
    member = get_object_or_404(_members(request).select_related("circuit"), pk=pk)
    can_decide = request.actor.has_perm("circuit.manage", member.organization_id)
    return render(
        request,
        "vouchers/circuit/detail.html",
        {
            "member": member,
            "points": PointOfSale.objects_unscoped.filter(
                merchant_id=member.merchant_id, is_active=True
            ),
            "can_decide": can_decide,
            "form": ReasonForm(),
        },
    )


@staff_permission("circuit.manage")
@require_POST
def member_decide(request, pk, action):
    member = get_object_or_404(_members(request), pk=pk)
    service = ACTIONS.get(action)
    form = ReasonForm(request.POST)
    if service is None or not form.is_valid():
        messages.error(request, _("Operazione non valida."))
        return redirect("vouchers:member", pk=member.pk)
    try:
        service(request.actor, member, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Fatto: il negozio riceverà una comunicazione."))
    return redirect("vouchers:member", pk=member.pk)


def _local_municipalities(actor) -> list[int]:
    org = actor.organization
    if org.kind == OrganizationKind.NETWORK:
        return list(Municipality.objects.filter(network_id=org.pk).values_list("pk", flat=True))
    return [org.pk]


@staff_permission("circuit.manage")
def spending(request):
    form = PeriodForm(request.GET or None)
    period = reports.Period()
    if form.is_valid():
        period = reports.Period(form.cleaned_data["dal"], form.cleaned_data["al"])
    issuers = request.actor.tenant_ids
    rows = reports.spending_by_merchant(issuers, period)
    context = {
        "form": form,
        "rows": rows,
        "categories": reports.spending_by_category(rows),
        "local": reports.local_share(rows, _local_municipalities(request.actor)),
        "unspent": reports.unspent(issuers),
        "organization": request.actor.organization,
    }
    response = export(request, csv=lambda: _spending_csv(rows))
    if response is not None:
        return response
    return render(request, "vouchers/circuit/spending.html", context)


def _spending_csv(rows) -> HttpResponse:
    header = ["esercente", "categoria", "Comune", "incassi", "lordo", "stornato", "netto"]
    values = (
        [
            r["merchant"].name if r["merchant"] else "",
            r["category_label"],
            r["municipality"].name if r["municipality"] else "",
            r["payments"],
            format_decimal(r["gross"]),
            format_decimal(r["reversed"]),
            format_decimal(r["net"]),
        ]
        for r in rows
    )
    return csv_response(header, values, "spesa-buoni.csv")


@staff_permission("circuit.manage")
@require_POST
def run_expiry(request):
    """Return the unspent money of expired vouchers to their funds, in the background."""
    organization = Organization.objects.get(pk=request.actor.organization.pk)
    job = start_job(
        request.actor,
        organization,
        "vouchers.expire",
        _("Restituzione ai fondi dei buoni scaduti"),
    )
    return redirect("core:job", pk=job.pk)
