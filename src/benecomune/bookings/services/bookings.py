"""Booking a slot (or a series): who may book for whom, the seat taken under any concurrency,
and, for a priced service, the order paid through the existing checkout (`orders.place_order`)
in the same transaction: a refused payment leaves no booking and no seat taken.

A citizen books for themselves or a member of their household; the desk of their Comune
(desk.assist) books for them with their consent (`on_behalf`, the audit says so). The form's
idempotency key makes a double submission one booking (and one order, under the key family
`booking-<key>`).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.bookings.home_visits import address_at_booking
from benecomune.bookings.models import (
    Booking,
    BookingStatus,
    OrderStatus,
    OwnMoney,
    Series,
    SeriesStatus,
)
from benecomune.bookings.services import (
    agenda_reads,
    booking_notices,
    booking_seats,
    orders,
    resource_busy,
)
from benecomune.bookings.slots import ROME, local_instant, minutes_of
from benecomune.core import audit, on_behalf
from benecomune.core.actors import Actor
from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.models import HouseholdMember, Person
from benecomune.core.on_behalf import on_behalf_reason
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.ledger.spending import memo_scope
from benecomune.marketplace.models import PriceKind, Service
from benecomune.marketplace.queries import remember_service
from benecomune.marketplace.services.offer import offer_refusal, still_offered
from benecomune.marketplace.services.thread_access import is_citizen, is_desk_for

SLOT_FULL = gettext_lazy("Il turno è appena stato completato: scelga un altro orario.")


def bookings_actor() -> Actor:
    """The platform acting on the booking's order, once the booking's service has checked who
    acts (the desk, the Comune, a late cancellation kept at full price)."""
    return Actor.system_actor("bookings.bookings")


def acting_for(actor: Actor, booker: Person, consent_note: str = "") -> tuple[bool, str]:
    """(on behalf, consent): the citizen themselves, or their Comune's desk with consent."""
    if is_citizen(actor, booker.pk):
        return False, ""
    if is_desk_for(actor, booker):
        return True, on_behalf.authorize(actor, booker, on_behalf.BOOK_PAY, consent_note)
    if on_behalf.is_assisting(actor):
        # Another desk (a Welfare Point's operator): with a delegation to book and pay.
        try:
            basis = on_behalf.delegation_basis(actor, booker, on_behalf.BOOK_PAY)
        except on_behalf.OnBehalfRefused as refusal:
            on_behalf.record_refusal(actor, refusal, "book")
            raise
        if basis:
            return True, basis
    raise PermissionDenied(_("Si può prenotare solo per sé o per il proprio nucleo familiare."))


def household_people(booker: Person) -> list[Person]:
    """The booker and the members of their household: whom they may book for."""
    member = HouseholdMember.objects.filter(person=booker).first()
    if member is None:
        return [booker]
    people = Person.objects_unscoped.filter(membership__household_id=member.household_id)
    return sorted(people, key=lambda p: (p.pk != booker.pk, p.last_name, p.first_name))


def _check_person(booker: Person, person: Person) -> None:
    if person.pk != booker.pk and person.pk not in {p.pk for p in household_people(booker)}:
        raise ValidationError(
            _("Si può prenotare solo per sé o per un componente del proprio nucleo familiare.")
        )


check_person = _check_person  # used by the waiting list


def bookable_refusal(service: Service, booker: Person) -> str | None:
    """None when `booker` may book `service` (published, its provider active, offered to
    them: the catalogue's rule); otherwise why not, in Italian."""
    if not still_offered(service):
        return _("«%(title)s» non è più offerto.") % {"title": service.title}
    return offer_refusal(service, booker)


def is_priced(service: Service) -> bool:
    return service.price_kind == PriceKind.PRICED


def submitted(booker: Person, idempotency_key: str) -> Booking | None:
    """The booking a form with this key already made (a page submitted twice)."""
    if not idempotency_key:
        return None
    return Booking.objects_unscoped.filter(
        idempotency_key=f"booking:{booker.pk}:{idempotency_key}"
    ).first()


def _booking_by_key(key: str):
    return Booking.objects_unscoped.filter(idempotency_key=key).order_by("pk")[:1]


BOOKING_BY_KEY = CompiledQuery("booking_by_key", _booking_by_key, "\x00booking-key")


def _replay(key: str, service, person, starts_at, series) -> Booking | None:
    existing = first(BOOKING_BY_KEY, key)
    if existing is None:
        return None
    same = (
        existing.service_id == service.pk
        and existing.person_id == person.pk
        and (existing.series_id == series.pk if series else existing.starts_at == starts_at)
    )
    if not same:
        raise IdempotencyConflict(
            _("Questa prenotazione è già stata inviata con dati diversi: non è stata ripetuta.")
        )
    return existing


def deadline_of(schedule, starts_at: datetime.datetime) -> datetime.datetime:
    return starts_at - datetime.timedelta(hours=schedule.cancellation_deadline_hours)


@memo_scope()
def book(
    actor: Actor,
    *,
    service: Service,
    booker: Person,
    person: Person | None = None,
    day: datetime.date | None = None,
    time: datetime.time | None = None,
    series: Series | None = None,
    split: dict[int, int] | None = None,
    own_amount: int = 0,
    own_money: str = OwnMoney.NONE,
    idempotency_key: str,
    consent_note: str = "",
    now: datetime.datetime | None = None,
) -> Booking:
    """Book the slot of `service` starting at local `day` `time` (or a seat in `series`) for
    `person` (the booker or a household member). A priced service is paid like an order:
    `split` (wallet id -> cents), `own_amount` and `own_money`, as `orders.place_order`.
    Replaying the key with the same data returns the booking."""
    person = person or booker
    remember_service(service)
    on_behalf, consent = acting_for(actor, booker, consent_note)
    _check_person(booker, person)
    if refusal := bookable_refusal(service, booker):
        raise ValidationError(refusal)
    if not idempotency_key or len(idempotency_key) > 80:
        raise ValidationError(_("Il modulo è scaduto: ricarichi la pagina e riprovi."))
    key = f"booking:{booker.pk}:{idempotency_key}"
    now = now or timezone.now()
    requested = None if series or not (day and time) else local_instant(day, minutes_of(time))
    existing = _replay(key, service, person, requested, series)
    if existing is not None:
        return existing
    schedule = agenda_reads.schedule_of(service)
    if schedule is None:
        raise ValidationError(_("Questo servizio non si prenota online."))
    slot = None
    if series is not None:
        starts_at, ends_at, capacity = _series_span(series, service, now)
    else:
        if day is None or time is None:
            raise ValidationError(_("Scelga il giorno e l'orario."))
        slot = agenda_reads.choose_slot(schedule, day, time, now=now)
        starts_at, ends_at, capacity = slot.start, slot.end, schedule.capacity
    try:
        # One transaction; its audit events (the intent, each hold, the order, the booking)
        # written together at its end.
        with transaction.atomic(), audit.batched():
            return _book(
                actor,
                key=key,
                service=service,
                schedule=schedule,
                series=series,
                slot=slot,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=capacity,
                booker=booker,
                person=person,
                on_behalf=on_behalf,
                consent=consent,
                payment=(split or {}, own_amount, own_money, idempotency_key),
            )
    except IntegrityError:
        # The same form submitted at once: the first made the booking.
        existing = _replay(key, service, person, requested, series)
        if existing is None:
            raise
        return existing


def _series_span(series: Series, service, now):
    if series.service_id != service.pk or series.status != SeriesStatus.ACTIVE:
        raise ValidationError(_("Questo percorso non è più prenotabile."))
    sessions = [s for s in agenda_reads.sessions_of(series) if s.start is not None]
    if not sessions or sessions[0].start <= now:
        raise ValidationError(_("Questo percorso è già iniziato: non si può più prenotare."))
    return sessions[0].start, sessions[-1].end, series.capacity


def _take_seat(schedule, series, slot, starts_at, capacity) -> tuple[str, int | None]:
    if series is not None:
        key = booking_seats.series_key(series.pk)
        if booking_seats.take(
            key=key,
            provider_id=series.provider_id,
            capacity=capacity,
            starts_at=starts_at,
            series_id=series.pk,
        ):
            return key, series.resource_id
        raise ValidationError(_("Il percorso è appena stato completato: non ci sono più posti."))
    # A resource another booking keeps busy (any service, buffers included) is skipped; the
    # resources stay locked until commit, so a parallel booking sees this one.
    free = resource_busy.lock_free(schedule, slot.resource_ids, starts_at, slot.end)
    for resource_id in free:
        key = booking_seats.slot_key(schedule.pk, resource_id, starts_at)
        if booking_seats.take(
            key=key,
            provider_id=schedule.provider_id,
            capacity=capacity,
            starts_at=starts_at,
            schedule_id=schedule.pk,
            resource_id=resource_id,
        ):
            return key, resource_id
    raise ValidationError(str(SLOT_FULL))


def _book(
    actor,
    *,
    key,
    service,
    schedule,
    series,
    slot,
    starts_at,
    ends_at,
    capacity,
    booker,
    person,
    on_behalf,
    consent,
    payment,
    seat=None,
) -> Booking:
    # `seat`: (key, resource id) of a seat already held for this booking (a waiting list's
    # accepted offer: services/waitlist.py), else one is taken now.
    seat_key, resource_id = seat or _take_seat(schedule, series, slot, starts_at, capacity)
    order = None
    if is_priced(service):
        split, own_amount, own_money, form_key = payment
        order = orders.place_order(
            bookings_actor() if on_behalf else actor,
            buyer=booker,
            service=service,
            split=split,
            own_amount=own_amount,
            own_money=own_money,
            idempotency_key=f"booking-{form_key}",
        )
        if order.status not in (OrderStatus.CONFIRMED, OrderStatus.AWAITING_PAYMENT):
            raise ValidationError(_("Il pagamento non è andato a buon fine: riprovi."))
    waiting = order is not None and order.status == OrderStatus.AWAITING_PAYMENT
    confirmed = not schedule.needs_review and not waiting
    when = timezone.now()
    booking = Booking.objects_unscoped.create(
        organization_id=service.provider_id,
        provider=service.provider,  # loaded with the service: the notices read it
        service=service,
        schedule=None if series else schedule,
        series=series,
        resource_id=resource_id,
        title=(series.title if series else service.title)[:250],
        starts_at=starts_at,
        ends_at=ends_at,
        person=person,
        booker=booker,
        visit_address=address_at_booking(service, person),
        created_by=actor.user,
        on_behalf=on_behalf,
        consent_note=consent,
        status=BookingStatus.CONFIRMED if confirmed else BookingStatus.REQUESTED,
        order=order,
        idempotency_key=key,
        seat_key=seat_key,
        cancellation_deadline=deadline_of(schedule, starts_at),
        late_policy=schedule.late_policy,
        confirmed_at=when if confirmed else None,
    )
    audit.record(
        actor,
        "bookings.booking_made",
        booking,
        organization=booking.organization_id,
        person=person.pk,
        after={
            "status": booking.status,
            "starts_at": starts_at.isoformat(),
            "seat": seat_key,
            "order": order.pk if order else None,
            "booker": booker.fiscal_code,
            "on_behalf_of": booker.fiscal_code if on_behalf else None,
        },
        reason=on_behalf_reason(actor, booker, consent) if on_behalf else "",
    )
    booking_notices.booking_made(booking)
    return booking


def local_start(booking: Booking) -> datetime.datetime:
    return booking.starts_at.astimezone(ROME)
