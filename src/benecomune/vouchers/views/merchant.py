"""The shop's own pages: joining circuits and accepting the convention, its staff.

A shop's memberships belong to the circuits' Comuni (their tenant), so they are read here
with the unscoped manager and an explicit filter on the shop of the active role.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.models import Membership, Municipality, Organization, Provider, Role
from benecomune.core.views.decorators import staff_permission
from benecomune.vouchers.forms import JoinForm, StaffInviteForm
from benecomune.vouchers.models import CircuitMembership, PointOfSale
from benecomune.vouchers.services import circuit as circuit_services
from benecomune.vouchers.services import staff as staff_services
from benecomune.vouchers.views.common import add_errors


def _merchant(request) -> Provider:
    return Provider.objects.select_related("municipality").get(pk=request.actor.organization.pk)


def _municipalities(merchant: Provider):
    network_id = merchant.network_id or (
        merchant.municipality.network_id if merchant.municipality_id else None
    )
    return Municipality.objects.filter(network_id=network_id, is_active=True).order_by("name")


@staff_permission("merchant.view")
def membership(request):
    merchant = _merchant(request)
    memberships = list(
        CircuitMembership.for_merchant.filter(merchant=merchant)
        .select_related("circuit", "organization")
        .order_by("organization__name")
    )
    taken = {m.organization_id for m in memberships}
    joinable = [o for o in circuit_services.joinable_organizations(merchant) if o.pk not in taken]
    joinable += [m.organization for m in memberships if m.status == "rejected"]  # may ask again
    last = memberships[0] if memberships else None
    initial = {
        "category": merchant.category,
        "vat_number": merchant.vat_number,
        "address": (last.address if last else merchant.address),
        "municipality": merchant.municipality_id,
        "iban": last.iban if last else "",
        "iban_holder": last.iban_holder if last else merchant.name,
        "contact_name": last.contact_name if last else request.user.full_name,
        "contact_email": last.contact_email if last else request.user.email,
        "contact_phone": last.contact_phone if last else merchant.phone,
        "points_of_sale": "\n".join(
            f"{p.name} - {p.address}"
            for p in PointOfSale.objects.filter(merchant=merchant, is_active=True)
        ),
    }
    form = JoinForm(
        request.POST or None,
        initial=initial,
        circuits=joinable,
        municipalities=_municipalities(merchant),
    )
    can_manage = request.actor.has_perm("merchant.manage", merchant)
    if request.method == "POST" and can_manage and form.is_valid():
        data = form.cleaned_data
        try:
            circuit_services.request_membership(
                request.actor,
                merchant,
                get_object_or_404(Organization, pk=int(data["circuit"])),
                category=data["category"],
                vat_number=data["vat_number"],
                iban=data["iban"],
                iban_holder=data["iban_holder"],
                address=data["address"],
                municipality=data["municipality"],
                points_of_sale=circuit_services.parse_points_of_sale(data["points_of_sale"]),
                contact_name=data["contact_name"],
                contact_email=data["contact_email"],
                contact_phone=data["contact_phone"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Richiesta inviata: il Comune la esaminerà."))
            return redirect("vouchers:membership")
    return render(
        request,
        "vouchers/merchant/membership.html",
        {
            "merchant": merchant,
            "memberships": memberships,
            "form": form if joinable else None,
            "can_manage": can_manage,
            "points": PointOfSale.objects.filter(merchant=merchant, is_active=True),
        },
    )


@staff_permission("merchant.view")
def convention(request, pk):
    merchant = _merchant(request)
    member = get_object_or_404(
        CircuitMembership.for_merchant.select_related("circuit"), pk=pk, merchant=merchant
    )
    if request.method == "POST":
        try:
            circuit_services.accept_convention(request.actor, member)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Convenzione accettata."))
        return redirect("vouchers:membership")
    return render(request, "vouchers/merchant/convention.html", {"member": member})


@staff_permission("merchant.view")
def staff(request):
    if request.method != "POST":
        # Invitations, role changes and deactivation live on core's staff page (one page for
        # every organisation); this address and its form are kept for old links.
        return redirect("core:staff")
    merchant = _merchant(request)
    form = StaffInviteForm(request.POST or None)
    can_manage = request.actor.has_perm("merchant.manage", merchant)
    if request.method == "POST" and can_manage and form.is_valid():
        try:
            staff_services.invite_staff(
                request.actor,
                merchant,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Accesso concesso: abbiamo scritto a %(email)s.") % form.cleaned_data
            )
            return redirect("vouchers:staff")
    people = (
        Membership.objects.filter(organization=merchant, role=Role.MERCHANT_STAFF, is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    return render(
        request,
        "vouchers/merchant/staff.html",
        {"form": form, "people": people, "can_manage": can_manage, "merchant": merchant},
    )


@staff_permission("merchant.manage")
@require_POST
def staff_remove(request, pk):
    merchant = _merchant(request)
    member = get_object_or_404(Membership, pk=pk, organization=merchant, role=Role.MERCHANT_STAFF)
    try:
        staff_services.remove_staff(request.actor, member, reason=_("Tolto dal personale"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Accesso alla cassa tolto."))
    return redirect("vouchers:staff")
