"""Waiting lists of full slots: joining, the hand-over of a freed place, the offer accepted
(a booking on the held seat, paid through the normal checkout), declined, left or lapsed.

The HOLD: when a booking gives its seat back (`seat_freed`: cancelled, declined, payment
lapsed, moved away) and the slot has someone waiting, the seat is not given back to the
counter: `SlotSeats.taken` keeps counting it and the first waiting entry gets an offer naming
that counter (`hold_key`). Nobody else can book it (the conditional UPDATE sees it taken);
accepting turns the hold into the booking's seat without touching the counter; a lapse, a
decline or leaving passes the hold to the next entry, or releases it (`booking_seats.free`)
when nobody is left. `booking_seats.check_seats` counts open offers as seats.

Concurrency: the next entry is taken with SELECT ... FOR UPDATE SKIP LOCKED (two places freed
at once go to two different entries); an offer's moves lock its row. Each move is one
transaction with its audit event; notices are sent after commit.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.bookings.models import Booking, OwnMoney, SlotSeats, WaitlistEntry
from benecomune.bookings.models.bookings import ACTIVE_STATUSES
from benecomune.bookings.models.waitlist import WaitlistStatus
from benecomune.bookings.services import agenda_reads, booking_seats, bookings, waitlist_notices
from benecomune.bookings.slots import local_instant, minutes_of
from benecomune.bookings.waitlist_lifecycle import WAITLIST
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Person
from benecomune.core.on_behalf import on_behalf_reason
from benecomune.marketplace.models import Service

W = WaitlistStatus


def offer_window() -> datetime.timedelta:
    """How long an offer holds its place (settings.BOOKINGS_WAITLIST_OFFER_MINUTES, 120)."""
    return datetime.timedelta(minutes=getattr(settings, "BOOKINGS_WAITLIST_OFFER_MINUTES", 120))


def system_actor() -> Actor:
    return Actor.system_actor("bookings.waitlist")


def _lock(entry: WaitlistEntry) -> WaitlistEntry:
    return (
        WaitlistEntry.objects_unscoped.select_for_update(of=("self",))
        .select_related("person", "booker", "schedule")
        .get(pk=entry.pk)
    )


# --- joining -----------------------------------------------------------------------------------


def full_slot(schedule, day: datetime.date, time: datetime.time, now=None):
    """The slot of `schedule` at local `day` `time` when it exists but has no free seat; a
    ValidationError otherwise (the booking's own reasons, or "book it directly")."""
    slot = agenda_reads.choose_slot(schedule, day, time, now=now, occupied={})
    for free in agenda_reads.available_slots(schedule, day, day, now=now):
        if free.start == slot.start:
            raise ValidationError(
                _("In questo turno ci sono ancora posti liberi: lo può prenotare direttamente.")
            )
    return slot


def full_slot_or_none(schedule, day, time, now=None):
    """The slot when it exists and is full (the booking page then offers the list)."""
    if schedule is None or day is None or time is None:
        return None
    try:
        return full_slot(schedule, day, time, now=now)
    except ValidationError:
        return None


def submitted(booker: Person, idempotency_key: str) -> WaitlistEntry | None:
    if not idempotency_key:
        return None
    return WaitlistEntry.objects_unscoped.filter(
        idempotency_key=f"waitlist:{booker.pk}:{idempotency_key}"
    ).first()


def join(
    actor: Actor,
    *,
    service: Service,
    booker: Person,
    person: Person | None = None,
    day: datetime.date,
    time: datetime.time,
    idempotency_key: str,
    consent_note: str = "",
    now: datetime.datetime | None = None,
) -> WaitlistEntry:
    """Put `person` (the booker or a member of their household) on the waiting list of the
    full slot of `service` at local `day` `time`. Replaying the key returns the entry."""
    person = person or booker
    on_behalf, consent = bookings.acting_for(actor, booker, consent_note)
    bookings.check_person(booker, person)
    if refusal := bookings.bookable_refusal(service, booker):
        raise ValidationError(refusal)
    if not idempotency_key or len(idempotency_key) > 80:
        raise ValidationError(_("Il modulo è scaduto: ricarichi la pagina e riprovi."))
    if existing := submitted(booker, idempotency_key):
        return existing
    schedule = agenda_reads.schedule_of(service)
    if schedule is None:
        raise ValidationError(_("Questo servizio non si prenota online."))
    now = now or timezone.now()
    start = local_instant(day, minutes_of(time))
    if start is not None:
        expire_due(now=now, schedule_id=schedule.pk, starts_at=start)  # lazily, this slot
    slot = full_slot(schedule, day, time, now=now)
    if Booking.objects_unscoped.filter(
        schedule_id=schedule.pk, starts_at=slot.start, person=person, status__in=ACTIVE_STATUSES
    ).exists():
        raise ValidationError(
            _("%(name)s ha già una prenotazione in questo turno.") % {"name": person.full_name}
        )
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects_unscoped.create(
                organization_id=service.provider_id,
                provider_id=service.provider_id,
                service=service,
                schedule=schedule,
                title=service.title[:250],
                starts_at=slot.start,
                ends_at=slot.end,
                person=person,
                booker=booker,
                created_by=actor.user,
                on_behalf=on_behalf,
                consent_note=consent,
                idempotency_key=f"waitlist:{booker.pk}:{idempotency_key}",
            )
            audit.record(
                actor,
                "bookings.waitlist_joined",
                entry,
                organization=entry.organization_id,
                person=person.pk,
                after={"status": entry.status, "starts_at": slot.start.isoformat()},
                reason=on_behalf_reason(actor, booker, consent) if on_behalf else "",
            )
            waitlist_notices.joined(entry)
    except IntegrityError:
        if existing := submitted(booker, idempotency_key):
            return existing
        raise ValidationError(
            _("È già in lista d'attesa per questo turno: la trova in «Le mie prenotazioni».")
        ) from None
    # A place may have been freed between the check and the commit: offer it now.
    offer_free_places(schedule.pk, slot.start, now=now)
    entry.refresh_from_db()
    return entry


# --- a place freed: held for the next, or released ---------------------------------------------


def seat_freed(key: str, seats: int = 1, *, now=None) -> WaitlistEntry | None:
    """A booking gives back its seat at counter `key` (inside the caller's transaction): the
    seat is held for the first waiting entry of the slot (its offer is returned), or freed
    when nobody waits (or the slot has started)."""
    counter = SlotSeats.objects_unscoped.filter(key=key).values("schedule_id", "starts_at").first()
    if seats == 1 and counter and counter["schedule_id"]:
        entry = _offer_next(key, counter["schedule_id"], counter["starts_at"], now)
        if entry is not None:
            return entry
    booking_seats.free(key, seats)
    return None


def _offer_next(key, schedule_id, starts_at, now) -> WaitlistEntry | None:
    now = now or timezone.now()
    if starts_at <= now:
        return None
    # SKIP LOCKED: an entry another transaction is offering (or moving) is not waited for.
    entry = (
        WaitlistEntry.objects_unscoped.select_for_update(skip_locked=True)
        .filter(schedule_id=schedule_id, starts_at=starts_at, status=W.WAITING)
        .order_by("pk")
        .first()
    )
    if entry is None:
        return None
    entry.hold_key = key
    entry.offered_at = now
    entry.offer_expires_at = min(now + offer_window(), starts_at)
    WAITLIST.apply(
        system_actor(),
        entry,
        W.OFFERED,
        extra_fields=["hold_key", "offered_at", "offer_expires_at", "updated_at"],
        person=entry.person_id,
        after={"hold": key, "expires_at": entry.offer_expires_at.isoformat()},
    )
    waitlist_notices.offered(entry)
    return entry


def _pass_on(entry: WaitlistEntry, now) -> WaitlistEntry | None:
    """The hold of `entry` (no longer offered) goes to the next waiting entry, or is freed."""
    return seat_freed(entry.hold_key, entry.seats, now=now)


def offer_free_places(schedule_id: int, starts_at, *, now=None) -> int:
    """Free seats of a slot with people waiting (a place freed while they joined, a capacity
    raised): each taken and offered to the next entry. Returns the offers made."""
    now = now or timezone.now()
    made = 0
    if starts_at <= now:
        return 0
    schedule = agenda_reads.ServiceSchedule.objects_unscoped.filter(pk=schedule_id).first()
    waiting = WaitlistEntry.objects_unscoped.filter(
        schedule_id=schedule_id, starts_at=starts_at, status=W.WAITING
    )
    if schedule is None or not waiting.exists():
        return 0
    counters = SlotSeats.objects_unscoped.filter(
        schedule_id=schedule_id, starts_at=starts_at
    ).values_list("key", "resource_id")
    for key, resource_id in sorted(counters):
        while waiting.exists():
            with transaction.atomic():
                if not booking_seats.take(
                    key=key,
                    provider_id=schedule.provider_id,
                    capacity=schedule.capacity,
                    starts_at=starts_at,
                    schedule_id=schedule_id,
                    resource_id=resource_id,
                ):
                    break
                if _offer_next(key, schedule_id, starts_at, now) is None:
                    booking_seats.free(key)
                    break
                made += 1
            if made > 1000:  # a guard: never loops forever
                return made
    return made


# --- the offer: accepted, declined, left, lapsed -----------------------------------------------


def _check_open_offer(entry: WaitlistEntry, now) -> None:
    if entry.status != W.OFFERED:
        raise ValidationError(_("Questa offerta non è più valida."))
    if entry.offer_expires_at <= now:
        raise ValidationError(_("Il tempo per accettare è scaduto: il posto è passato ad altri."))


def accept(
    actor: Actor,
    entry: WaitlistEntry,
    *,
    split: dict[int, int] | None = None,
    own_amount: int = 0,
    own_money: str = OwnMoney.NONE,
    consent_note: str = "",
    now=None,
) -> Booking:
    """The offered place becomes a booking on the held seat. A priced service is paid as any
    booking (the order's checkout, one payment intent); a refused payment changes nothing and
    the offer stays open until it lapses. An online part not paid in time cancels the booking
    like any other, and its seat passes to the next entry."""
    now = now or timezone.now()
    expire_due(now=now, entry_id=entry.pk)  # lazily: a lapsed offer passes on first
    with transaction.atomic():
        entry = _lock(entry)
        on_behalf, consent = bookings.acting_for(actor, entry.booker, consent_note)
        if entry.status == W.ACCEPTED and entry.booking_id:
            return entry.booking
        _check_open_offer(entry, now)
        # Still in the booker's household: a member removed since joining is not booked
        # by their former housemate (core.services.households.remove_member).
        bookings.check_person(entry.booker, entry.person)
        service = entry.service
        if refusal := bookings.bookable_refusal(service, entry.booker):
            raise ValidationError(refusal)
        resource_id = (
            SlotSeats.objects_unscoped.filter(key=entry.hold_key)
            .values_list("resource_id", flat=True)
            .first()
        )
        booking = bookings._book(  # the booking service itself, on the held seat
            actor,
            key=f"booking:{entry.booker_id}:offer-{entry.pk}",
            service=service,
            schedule=entry.schedule,
            series=None,
            slot=None,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            capacity=entry.schedule.capacity,
            booker=entry.booker,
            person=entry.person,
            on_behalf=on_behalf,
            consent=consent,
            payment=(split or {}, own_amount, own_money, f"offer-{entry.pk}"),
            seat=(entry.hold_key, resource_id),
        )
        entry.booking = booking
        entry.closed_at = now
        WAITLIST.apply(
            actor,
            entry,
            W.ACCEPTED,
            extra_fields=["booking", "closed_at", "updated_at"],
            person=entry.person_id,
            after={"booking": booking.pk},
            reason=on_behalf_reason(actor, entry.booker, consent) if on_behalf else "",
        )
        return booking


@transaction.atomic
def decline(actor: Actor, entry: WaitlistEntry, *, consent_note: str = "", now=None):
    """The offered place is refused: it passes to the next entry (the entry is closed)."""
    return _close_offer(actor, entry, W.DECLINED, consent_note, now)


@transaction.atomic
def leave(actor: Actor, entry: WaitlistEntry, *, consent_note: str = "", now=None):
    """Out of the list; a place held for the entry passes to the next."""
    return _close_offer(actor, entry, W.LEFT, consent_note, now)


def _close_offer(actor, entry, target, consent_note, now):
    now = now or timezone.now()
    entry = _lock(entry)
    on_behalf, consent = bookings.acting_for(actor, entry.booker, consent_note)
    if entry.status == target:
        return entry
    WAITLIST.check(actor, entry, target)
    held = entry.status == W.OFFERED
    entry.closed_at = now
    WAITLIST.apply(
        actor,
        entry,
        target,
        extra_fields=["closed_at", "updated_at"],
        person=entry.person_id,
        reason=on_behalf_reason(actor, entry.booker, consent) if on_behalf else "",
    )
    if held:
        _pass_on(entry, now)
    return entry


def expire_due(
    *,
    now=None,
    entry_id: int | None = None,
    booker_id: int | None = None,
    schedule_id=None,
    starts_at=None,
    limit=500,
) -> int:
    """Lapse the offers whose time ran out (their place passes on) and close the entries still
    waiting for a slot that has started: the beat task, and lazily the pages. One transaction
    per entry. Returns the entries moved."""
    now = now or timezone.now()
    due = WaitlistEntry.objects_unscoped.filter(status=W.OFFERED, offer_expires_at__lte=now)
    stale = WaitlistEntry.objects_unscoped.filter(status=W.WAITING, starts_at__lte=now)
    if entry_id is not None:
        due, stale = due.filter(pk=entry_id), stale.filter(pk=entry_id)
    if booker_id is not None:
        due, stale = due.filter(booker_id=booker_id), stale.filter(booker_id=booker_id)
    if schedule_id is not None:
        due = due.filter(schedule_id=schedule_id, starts_at=starts_at)
        stale = stale.filter(schedule_id=schedule_id, starts_at=starts_at)
    moved = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        moved += _lapse(pk, now)
    for pk in list(stale.values_list("pk", flat=True)[:limit]):
        moved += _close_stale(pk, now)
    return moved


@transaction.atomic
def _lapse(pk: int, now) -> int:
    entry = _lock(WaitlistEntry(pk=pk))
    if entry.status != W.OFFERED or entry.offer_expires_at > now:
        return 0  # accepted, declined or left meanwhile
    entry.closed_at = now
    WAITLIST.apply(
        system_actor(),
        entry,
        W.LAPSED,
        extra_fields=["closed_at", "updated_at"],
        person=entry.person_id,
        after={"hold": entry.hold_key},
    )
    waitlist_notices.lapsed(entry)
    _pass_on(entry, now)
    return 1


@transaction.atomic
def _close_stale(pk: int, now) -> int:
    entry = _lock(WaitlistEntry(pk=pk))
    if entry.status != W.WAITING:
        return 0
    entry.closed_at = now
    WAITLIST.apply(
        system_actor(),
        entry,
        W.CLOSED,
        extra_fields=["closed_at", "updated_at"],
        person=entry.person_id,
    )
    return 1


# --- reading -----------------------------------------------------------------------------------


def entries_of(person_id: int):
    """The entries a citizen made, for themselves or their household (newest slot first)."""

    return (
        WaitlistEntry.objects_unscoped.filter(booker_id=person_id)
        .select_related("person", "service")
        .order_by("-starts_at", "-pk")
    )


def entry_of_person(person_id: int, pk: int) -> WaitlistEntry | None:
    return entries_of(person_id).filter(pk=pk).first()


def position(entry: WaitlistEntry) -> int:
    """1 for the first waiting entry of its slot."""
    return WaitlistEntry.objects_unscoped.filter(
        schedule_id=entry.schedule_id,
        starts_at=entry.starts_at,
        status=W.WAITING,
        pk__lte=entry.pk,
    ).count()
