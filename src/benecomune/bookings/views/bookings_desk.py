"""A Comune's desk booking for a resident (core.on_behalf): the resident's bookings, booking a
slot for them (the same page as the citizen's, with the consent note; the resident's wallets
pay) and cancelling with their consent. The desk's scope is its Comune: a resident of another
Comune is a 404 (`Person.objects`, scoped by residence)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings import booking_queries
from benecomune.bookings.models import OrderStatus
from benecomune.bookings.models.waitlist import OPEN_STATUSES
from benecomune.bookings.services import booking_moves, waitlist
from benecomune.bookings.views.bookings_citizen import booking_page
from benecomune.core.models import Person
from benecomune.marketplace.services.offer import visible_services
from benecomune.marketplace.views.threads_desk import desk_page


def _person(pk) -> Person:
    return get_object_or_404(Person.objects.select_related("residence"), pk=pk)


def bookable_services(person: Person):
    """The services with booking rules offered where the person lives."""
    rows = visible_services(person.residence).filter(schedule__isnull=False)
    return rows.select_related("provider").order_by("title", "pk")


@desk_page
def desk_bookings(request, person_pk):
    person = _person(person_pk)
    chosen = request.GET.get("servizio", "")
    if chosen.isdigit() and bookable_services(person).filter(pk=int(chosen)).exists():
        return redirect("bookings:desk_booking_new", person_pk=person.pk, service_pk=int(chosen))
    upcoming, past = booking_queries.upcoming_and_past(person.pk)
    return render(
        request,
        "bookings/booking_list_desk.html",
        {
            "person": person,
            "services": bookable_services(person)[:200],
            "upcoming": list(upcoming[:100]),
            "past": list(past[:50]),
            "waitlist_entries": list(
                waitlist.entries_of(person.pk).filter(status__in=OPEN_STATUSES)[:50]
            ),
        },
    )


def _done(request, booking):
    if booking.order is not None and booking.order.status == OrderStatus.AWAITING_PAYMENT:
        messages.info(
            request,
            _("Prenotazione inviata: il cittadino completerà il pagamento online dalla sua area."),
        )
    else:
        messages.success(request, _("Prenotazione registrata per conto del cittadino."))
    return redirect("bookings:desk_bookings", person_pk=booking.booker_id)


@desk_page
def desk_booking_new(request, person_pk, service_pk):
    person = _person(person_pk)
    return booking_page(
        request,
        actor=request.actor,
        booker=person,
        service_pk=service_pk,
        done=_done,
        desk=True,
    )


@require_POST
@desk_page
def desk_booking_cancel(request, person_pk, pk):
    person = _person(person_pk)
    booking = booking_queries.booking_of_person(person.pk, pk)
    if booking is None:
        raise Http404
    try:
        booking_moves.cancel_by_citizen(
            request.actor, booking, consent_note=request.POST.get("consent_note", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("Non ha i permessi per questa operazione."))
    else:
        messages.success(request, _("Prenotazione annullata per conto del cittadino."))
    return redirect("bookings:desk_bookings", person_pk=person.pk)
