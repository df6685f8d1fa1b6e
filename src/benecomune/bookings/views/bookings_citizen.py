"""The citizen's bookings: booking a slot chosen on the public calendar
(/area-personale/prenotazioni/nuova/<service>/?giorno=&ora=, or ?serie=<id>) for themselves
or a member of their household, paid through the orders' checkout when the service is priced;
"Le mie prenotazioni" (upcoming and past) and one booking with its cancel and reschedule
buttons showing the deadline and the link to its order's receipt. Another person's booking
is not found (404)."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings import booking_queries, order_queries
from benecomune.bookings.booking_forms import ReasonForm, RescheduleForm, WhoForm, new_key
from benecomune.bookings.models import Booking, LatePolicy, OwnMoney, Series
from benecomune.bookings.models.bookings import ACTIVE_STATUSES
from benecomune.bookings.models.waitlist import OPEN_STATUSES
from benecomune.bookings.order_forms import CheckoutForm, cents, wallet_amounts
from benecomune.bookings.services import (
    agenda_reads,
    booking_moves,
    booking_reminders,
    bookings,
    order_options,
    waitlist,
)
from benecomune.bookings.views.orders_citizen import citizen_actor
from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.core.views.decorators import citizen_required
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.marketplace.services.public_catalogue import person_of

PER_PAGE = 20


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _time(value):
    try:
        return datetime.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _series(service, value) -> Series | None:
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404
    series = booking_queries.series_of_service(service, int(value))
    if series is None:
        raise Http404
    return series


@citizen_required
def booking_new(request, service_pk):
    return booking_page(
        request,
        actor=citizen_actor(request),
        booker=person_of(request.user),
        service_pk=service_pk,
        done=_after_booking,
    )


def booking_page(request, *, actor, booker, service_pk, done, desk=False):
    """The booking page, for the citizen or for the desk acting for `booker` (`desk`: the
    consent field; `done(request, booking)` answers a booking made)."""
    service = order_queries.service_for_checkout(service_pk)
    schedule = agenda_reads.schedule_of(service) if service else None
    if schedule is None:
        raise Http404
    params = request.POST if request.method == "POST" else request.GET
    if request.method == "POST" and (made := bookings.submitted(booker, params.get("key"))):
        return done(request, made)
    if request.method == "POST" and (made := _book_at_once(request, actor, booker, service, desk)):
        return done(request, made)
    series = _series(service, params.get("serie"))
    day, time = _date(params.get("giorno")), _time(params.get("ora"))
    errors, slot = [], None
    if refusal := bookings.bookable_refusal(service, booker):
        errors.append(refusal)
    elif series is None and (day is None or time is None):
        errors.append(_("Scelga il giorno e l'orario tra quelli proposti."))
    elif series is None:
        try:
            slot = agenda_reads.choose_slot(schedule, day, time)
        except ValidationError as exc:
            errors = exc.messages
    people = bookings.household_people(booker)
    offer, checkout = None, None
    if bookings.is_priced(service):
        try:
            offer = order_options.offer_for(booker, service, None, 1)
        except ValidationError as exc:
            errors = errors + exc.messages
        else:
            checkout = CheckoutForm(request.POST or None, offer=offer)
    who = WhoForm(request.POST or None, people=people, prefix="chi", desk=desk)
    valid = who.is_valid() and (checkout is None or checkout.is_valid())
    if request.method == "POST" and not errors and valid:
        data = checkout.cleaned_data if checkout else {}
        key = request.POST.get("key", "")
        person = next(p for p in people if p.pk == who.cleaned_data["person"])
        try:
            booking = bookings.book(
                actor,
                service=service,
                booker=booker,
                person=person,
                day=day,
                time=time,
                series=series,
                split=data.get("split") or {},
                own_amount=data.get("own_cents") or 0,
                own_money=data.get("own_money") if data.get("own_cents") else OwnMoney.NONE,
                idempotency_key=key,
                consent_note=who.cleaned_data.get("consent_note", ""),
            )
        except ValidationError as exc:
            add_errors(checkout or who, exc)
        else:
            return done(request, booking)
    return render(
        request,
        "bookings/booking_new.html",
        {
            "service": service,
            "schedule": schedule,
            "slot": slot,
            "series": series,
            "day": day,
            "time": time,
            "errors": errors,
            "who": who,
            "offer": offer,
            "form": checkout,
            "new_key": request.POST.get("key") or new_key(),
            "desk_person": booker if desk else None,
            "proposals": [] if slot or series else first_free_slots(schedule),
            # A full slot: the page offers its waiting list (bookings/_waitlist_join.html).
            "waitlist_slot": waitlist.full_slot_or_none(schedule, day, time)
            if errors and slot is None and series is None
            else None,
        },
    )


def _book_at_once(request, actor, booker, service, desk) -> Booking | None:
    """The lean path of a POST: `bookings.book` checks everything again (the slot, the person,
    each wallet and the split) in its one transaction, so the page's own checks (the slot, the
    wallets' offer, the forms) are skipped when the booking goes through. None when the form
    cannot be read or the service refuses: the full page then explains why, in Italian."""
    post = request.POST
    series = _series(service, post.get("serie"))
    day, time = _date(post.get("giorno")), _time(post.get("ora"))
    if series is None and (day is None or time is None):
        return None
    people = bookings.household_people(booker)
    who = WhoForm(post, people=people, prefix="chi", desk=desk)
    if not who.is_valid():
        return None
    try:
        split, own = wallet_amounts(post), cents(post.get("own_amount"))
    except ValidationError:
        return None
    if (split or own) and not bookings.is_priced(service):
        return None
    try:
        return bookings.book(
            actor,
            service=service,
            booker=booker,
            person=next(p for p in people if p.pk == who.cleaned_data["person"]),
            day=day,
            time=time,
            series=series,
            split=split,
            own_amount=own,
            own_money=post.get("own_money", "") if own else OwnMoney.NONE,
            idempotency_key=post.get("key", ""),
            consent_note=who.cleaned_data.get("consent_note", ""),
        )
    except (ValidationError, IdempotencyConflict):
        return None


def first_free_slots(schedule, count=24):
    """The next free slots (two weeks at most), proposed when none is chosen or it cannot be
    booked."""
    first, last = agenda_reads.bookable_range(schedule)
    last = min(last, first + datetime.timedelta(days=13))
    return agenda_reads.available_slots(schedule, first, last)[:count] if first <= last else []


def _after_booking(request, booking):
    order = booking.order
    if order is not None and order.status == "awaiting_payment":
        from benecomune.bookings.views.orders_citizen import payment_page_url

        return redirect(payment_page_url(order))
    if booking.status == "confirmed":
        messages.success(request, _("Prenotazione confermata."))
    else:
        messages.success(request, _("Prenotazione inviata: il fornitore la confermerà."))
    return redirect("bookings:my_booking", pk=booking.pk)


@citizen_required
def my_bookings(request):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # No broker, so no beat (the demo): the reminders job runs inline for this citizen.
        booking_reminders.send_due(booker_id=request.user.person_id)
    upcoming, past = booking_queries.upcoming_and_past(request.user.person_id)
    listing = paged(request, past, per_page=PER_PAGE)
    return render(
        request,
        "bookings/booking_list_citizen.html",
        {
            **listing.context(),
            "upcoming": list(upcoming[:100]),
            "waitlist_entries": open_entries(request.user.person_id),
        },
    )


def open_entries(person_id: int) -> list:
    """The citizen's open waiting-list entries (offers first), after the lazy expiry."""
    waitlist.expire_due(booker_id=person_id)
    rows = waitlist.entries_of(person_id).filter(status__in=OPEN_STATUSES)
    entries = sorted(rows[:100], key=lambda e: (e.status != "offered", e.starts_at))
    for entry in entries:
        entry.place = waitlist.position(entry) if entry.status == "waiting" else None
    return entries


def _own(request, pk):
    booking = booking_queries.booking_of_person(request.user.person_id, pk)
    if booking is None:
        raise Http404
    return booking


@citizen_required
def my_booking(request, pk):
    booking = _own(request, pk)
    active = booking.status in ACTIVE_STATUSES
    return render(
        request,
        "bookings/booking_detail_citizen.html",
        {
            "booking": booking,
            "active": active,
            "late": booking_moves.is_late(booking),
            "full_price": booking.late_policy == LatePolicy.FULL_PRICE,
            "can_reschedule": active
            and booking.schedule_id is not None
            and not booking_moves.is_late(booking),
            "reschedule_form": RescheduleForm(),
            "history": booking_queries.history_of(booking),
        },
    )


def _run(request, step, success) -> None:
    try:
        step()
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("Non ha i permessi per questa operazione."))
    else:
        messages.success(request, success)


CONFIRMED = "si"


@citizen_required
def my_booking_cancel(request, pk):
    """A confirmation page first (the service, when, what cancelling costs now), then the
    cancellation from its "Sì" button only: one tap on the booking's page cancels nothing."""
    booking = _own(request, pk)
    if booking.status not in ACTIVE_STATUSES:
        return redirect("bookings:my_booking", pk=booking.pk)
    if request.method != "POST" or request.POST.get("conferma") != CONFIRMED:
        late = booking_moves.is_late(booking)
        return render(
            request,
            "bookings/booking_cancel_citizen.html",
            {
                "booking": booking,
                "late": late,
                "kept": late
                and booking.order_id is not None
                and booking.late_policy == LatePolicy.FULL_PRICE,
                "confirmed": CONFIRMED,
            },
        )
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _run(
        request,
        lambda: booking_moves.cancel_by_citizen(citizen_actor(request), booking, reason=reason),
        _("Prenotazione annullata."),
    )
    return redirect("bookings:my_booking", pk=booking.pk)


@citizen_required
@require_POST
def my_booking_reschedule(request, pk):
    booking = _own(request, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indichi un giorno e un orario validi."))
    else:
        _run(
            request,
            lambda: booking_moves.reschedule(
                citizen_actor(request),
                booking,
                day=form.cleaned_data["day"],
                time=form.cleaned_data["time"],
            ),
            _("Prenotazione spostata."),
        )
    return redirect("bookings:my_booking", pk=booking.pk)
