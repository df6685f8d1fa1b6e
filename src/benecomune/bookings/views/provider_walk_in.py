"""Walk-in booking (/gestione/fornitore/agenda/banco/): the provider's staff book a person at
the counter into a slot, now or later (services/booking_walk_in.py). The free slots of the
chosen service and day are listed as links that fill the time."""

import contextlib
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benecomune.bookings.services import booking_walk_in
from benecomune.bookings.slots import ROME
from benecomune.bookings.views.provider_agenda import _date, day_url
from benecomune.bookings.walk_in_forms import WalkInForm
from benecomune.marketplace.views.common import provider_page


def _initial(request, form) -> dict:
    initial = {"day": _date(request, "data")}
    service = request.GET.get("servizio", "")
    if service.isdigit():
        initial["service"] = form.fields["service"].queryset.filter(pk=int(service)).first()
    if request.GET.get("ora"):
        with contextlib.suppress(ValueError):
            initial["time"] = datetime.time.fromisoformat(request.GET["ora"])
    return initial


def _add_errors(form, exc) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    elif isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
    else:
        form.add_error(None, str(exc) or _("Non ha i permessi per questa operazione."))


@provider_page
def walk_in(request, provider):
    form = WalkInForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            booking = booking_walk_in.walk_in(
                request.actor,
                provider,
                service=data["service"],
                fiscal_code=data["fiscal_code"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                residence=data["residence"],
                day=data["day"],
                time=data["time"],
                idempotency_key=data["key"],
            )
        except (ValidationError, PermissionDenied) as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Prenotazione n. %(n)s registrata al banco per %(name)s.")
                % {"n": booking.number, "name": booking.person.full_name},
            )
            return redirect(day_url(booking.starts_at.astimezone(ROME).date()) + f"#b{booking.pk}")
    if request.method != "POST":
        form.initial.update(_initial(request, form))
    service, day = form.initial.get("service"), form.initial.get("day")
    slots = booking_walk_in.walk_in_slots(service, day) if service and day else []
    return render(
        request,
        "bookings/provider_walk_in.html",
        {"form": form, "service": service, "day": day, "slots": slots},
        status=400 if request.method == "POST" else 200,
    )
