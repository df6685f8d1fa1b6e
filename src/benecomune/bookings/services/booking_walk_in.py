"""Walk-in bookings: the provider's staff book a person who is at their counter into a slot,
now or later. The person is found by codice fiscale, or registered with the least data
through core's `people.ensure_person`. The seat is taken by the same counters as online
(`bookings._take_seat`: capacity is never exceeded); the minimum notice does not apply (the
person is there), the rest of `choose_slot` does (past, window, a full slot, the summer-time
gap). A priced service is an order paid wholly at the provider (no wallet, no online part).

A walk-in is marked by its key (`walkin:<provider>:<form key>`, no extra column) and its
audit event, `bookings.booking_walk_in`, which names the staff member who made it.
"""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.bookings.home_visits import address_at_booking
from benecomune.bookings.models import Booking, BookingStatus, OwnMoney
from benecomune.bookings.services import agenda_reads, booking_notices, orders
from benecomune.bookings.services.bookings import (
    _replay,
    _take_seat,
    bookable_refusal,
    bookings_actor,
    deadline_of,
    is_priced,
)
from benecomune.bookings.services.provider_side import require_provider_side
from benecomune.bookings.slots import local_instant, minutes_of
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.audit import register_actions
from benecomune.core.identifiers import normalize_fiscal_code, validate_fiscal_code
from benecomune.core.models import Municipality, Person
from benecomune.core.services.people import ensure_person
from benecomune.marketplace.models import Service
from benecomune.marketplace.services.common import require_provider_staff

PREFIX = "walkin:"
ACTION = "bookings.booking_walk_in"

register_actions({ACTION: gettext_lazy("Prenotazione al banco del fornitore")})


def is_walk_in(booking: Booking) -> bool:
    return booking.idempotency_key.startswith(PREFIX)


def _code(fiscal_code: str) -> str:
    code = normalize_fiscal_code(fiscal_code)
    try:
        validate_fiscal_code(code)
    except ValidationError as exc:
        raise ValidationError({"fiscal_code": exc.messages}) from exc
    return code


def find_person(actor: Actor, provider, fiscal_code: str) -> Person | None:
    """The registered person of this codice fiscale (an exact match only: staff cannot
    browse the registry), or None."""
    require_provider_side(actor, provider)
    return Person.objects_unscoped.filter(fiscal_code=_code(fiscal_code)).first()


@transaction.atomic
def register_walk_in_person(
    actor: Actor,
    provider,
    *,
    fiscal_code: str,
    first_name: str,
    last_name: str,
    residence: Municipality | None,
) -> Person:
    """The person of this code, registered with the least data when unknown (core's way:
    `ensure_person`, audited as `person.registered`)."""
    require_provider_staff(actor, provider)
    code = _code(fiscal_code)
    if not Person.objects_unscoped.filter(fiscal_code=code).exists() and not (
        first_name.strip() and last_name.strip()
    ):
        raise ValidationError(_("Indichi nome e cognome di chi non è ancora registrato."))
    person, _created = ensure_person(
        actor, fiscal_code=code, first_name=first_name, last_name=last_name, residence=residence
    )
    return person


def walk_in_rules(schedule):
    """The service's rules without the minimum notice (an unsaved copy): the person is at the
    counter."""
    rules = copy.copy(schedule)
    rules.min_notice_hours = 0
    return rules


def walk_in_slots(service: Service, day: datetime.date, now=None) -> list:
    """The free slots of `service` on local `day` still to start, for the walk-in form."""
    schedule = agenda_reads.schedule_of(service)
    if schedule is None:
        return []
    return agenda_reads.available_slots(walk_in_rules(schedule), day, day, now=now)


@transaction.atomic
def walk_in(
    actor: Actor,
    provider,
    *,
    service: Service,
    fiscal_code: str,
    first_name: str = "",
    last_name: str = "",
    residence: Municipality | None = None,
    day: datetime.date,
    time: datetime.time,
    idempotency_key: str,
    now: datetime.datetime | None = None,
) -> Booking:
    """The counter's form in one transaction: the person found (or registered) and booked. A
    refused booking registers nobody."""
    require_provider_staff(actor, provider)
    if service.provider_id != provider.pk:
        raise ValidationError(_("Il servizio non è di questo fornitore."))
    person = register_walk_in_person(
        actor,
        provider,
        fiscal_code=fiscal_code,
        first_name=first_name,
        last_name=last_name,
        residence=residence,
    )
    return book_walk_in(
        actor,
        service=service,
        person=person,
        day=day,
        time=time,
        idempotency_key=idempotency_key,
        now=now,
    )


def book_walk_in(
    actor: Actor,
    *,
    service: Service,
    person: Person,
    day: datetime.date,
    time: datetime.time,
    idempotency_key: str,
    now: datetime.datetime | None = None,
) -> Booking:
    """Book `person` into the slot of `service` at local `day` `time`, made by the provider's
    staff or its token (`actor`). Confirmed at once. Replaying the key with the same data
    returns it."""
    require_provider_side(actor, service.provider_id)
    if not idempotency_key or len(idempotency_key) > 80:
        raise ValidationError(_("Il modulo è scaduto: ricarichi la pagina e riprovi."))
    if refusal := bookable_refusal(service, person):
        raise ValidationError(refusal)
    key = f"{PREFIX}{service.provider_id}:{idempotency_key}"
    requested = local_instant(day, minutes_of(time)) if day and time else None
    if (existing := _replay(key, service, person, requested, None)) is not None:
        return existing
    schedule = agenda_reads.schedule_of(service)
    if schedule is None:
        raise ValidationError(_("Questo servizio non ha un'agenda: non si prenota."))
    slot = agenda_reads.choose_slot(walk_in_rules(schedule), day, time, now=now or timezone.now())
    try:
        with transaction.atomic():
            return _book(actor, key, service, schedule, slot, person)
    except IntegrityError:
        existing = _replay(key, service, person, requested, None)
        if existing is None:
            raise
        return existing


def _book(actor, key, service, schedule, slot, person) -> Booking:
    seat_key, resource_id = _take_seat(schedule, None, slot, slot.start, schedule.capacity)
    order = None
    if is_priced(service):
        order = orders.place_order(
            bookings_actor(),
            buyer=person,
            service=service,
            split={},
            own_amount=service.price or 0,
            own_money=OwnMoney.AT_PROVIDER,
            idempotency_key=f"walkin-{key}"[:80],
        )
    when = timezone.now()
    booking = Booking.objects_unscoped.create(
        organization_id=service.provider_id,
        provider_id=service.provider_id,
        service=service,
        schedule=schedule,
        resource_id=resource_id,
        title=service.title[:250],
        starts_at=slot.start,
        ends_at=slot.end,
        person=person,
        booker=person,
        visit_address=address_at_booking(service, person),
        created_by=actor.user,
        status=BookingStatus.CONFIRMED,
        order=order,
        idempotency_key=key,
        seat_key=seat_key,
        cancellation_deadline=deadline_of(schedule, slot.start),
        late_policy=schedule.late_policy,
        confirmed_at=when,
    )
    staff = (actor.user.full_name or actor.user.email) if actor.user else actor.label
    audit.record(
        actor,
        ACTION,
        booking,
        organization=booking.organization_id,
        person=person.pk,
        after={
            "status": booking.status,
            "starts_at": slot.start.isoformat(),
            "seat": seat_key,
            "order": order.pk if order else None,
            "walk_in": True,
        },
        reason=_("Al banco del fornitore, registrata da %(who)s") % {"who": staff},
    )
    booking_notices.to_citizen(booking)
    return booking
