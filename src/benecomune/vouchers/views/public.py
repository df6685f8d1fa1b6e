"""A shop not yet on the platform asks to join a circuit (no login needed)."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from benecomune.core.middleware import client_ip
from benecomune.core.models import Municipality, Organization, OrganizationKind
from benecomune.vouchers.forms import SignupForm
from benecomune.vouchers.services import circuit as circuit_services
from benecomune.vouchers.services.staff import register_merchant
from benecomune.vouchers.views.common import add_errors

SIGNUPS_PER_HOUR = 5


def _circuits():
    return list(
        Organization.objects.filter(
            kind__in=[OrganizationKind.MUNICIPALITY, OrganizationKind.NETWORK], is_active=True
        ).order_by("-kind", "name")  # the network first, then its Comuni
    )


def signup(request):
    circuits = _circuits()
    form = SignupForm(
        request.POST or None,
        circuits=circuits,
        municipalities=Municipality.objects.filter(is_active=True).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        key = f"vouchers:signup:{client_ip(request)}"
        if data["website"]:
            return redirect("vouchers:signup_done")  # a bot: say nothing
        if (cache.get(key) or 0) >= SIGNUPS_PER_HOUR:
            form.add_error(None, _("Troppe richieste da questa rete: riprovi tra un'ora."))
        else:
            circuit = next(o for o in circuits if str(o.pk) == data["circuit"])
            municipality = data["municipality"]
            if circuit.pk not in (municipality.pk, municipality.network_id):
                form.add_error(
                    "circuit",
                    _("Scelga il circuito del Comune della sede o della sua rete di Comuni."),
                )
            else:
                try:
                    register_merchant(
                        name=data["name"],
                        vat_number=data["vat_number"],
                        category=data["category"],
                        address=data["address"],
                        municipality=municipality,
                        circuit_organization=circuit,
                        points_of_sale=circuit_services.parse_points_of_sale(
                            data["points_of_sale"]
                        ),
                        iban=data["iban"],
                        iban_holder=data["iban_holder"],
                        contact_name=data["contact_name"],
                        email=data["email"],
                        phone=data["contact_phone"],
                        base_url=request.build_absolute_uri("/"),
                        ip_address=client_ip(request),
                    )
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    cache.add(key, 0, 3600)
                    try:
                        cache.incr(key)
                    except ValueError:
                        cache.set(key, 1, 3600)
                    return redirect("vouchers:signup_done")
    convention = render_to_string(
        "vouchers/convention.txt", {"organization": {"name": _("il Comune o la rete scelti")}}
    ).strip()
    return render(request, "vouchers/public/signup.html", {"form": form, "convention": convention})


def signup_done(request):
    return render(request, "vouchers/public/signup_done.html")
