"""The moves of a booking after it is made: confirmed or declined by the provider, completed
or no-show, cancelled by the citizen (free until the deadline, else as the service's late
policy says), by the provider or by the Comune (with a reason), rescheduled by the citizen
before the deadline. Each move: one transaction, the booking's row lock, the lifecycle table
(`booking_lifecycle.BOOKING`) and its audit event; seats freed by the mirror update; the order
(a priced service) captured on completion or kept by a late policy, released otherwise.

The order's moves run as the platform (`bookings_actor`) once this module has checked who
acts: a desk or the Comune may move a booking, not the order of a provider's till.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benecomune.bookings.booking_lifecycle import BOOKING
from benecomune.bookings.models import (
    Booking,
    BookingStatus,
    CancelledBy,
    LatePolicy,
    Order,
    OrderStatus,
)
from benecomune.bookings.services import (
    agenda_reads,
    booking_notices,
    booking_seats,
    order_delivery,
    orders,
    resource_busy,
    waitlist,
)
from benecomune.bookings.services.bookings import (
    SLOT_FULL,
    acting_for,
    bookings_actor,
    deadline_of,
)
from benecomune.bookings.services.provider_side import (
    require_provider_side as require_provider_staff,
)
from benecomune.bookings.slots import ROME
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.dates import with_article
from benecomune.core.on_behalf import on_behalf_reason

S = BookingStatus
REASON_MAX = 300


def lock(booking: Booking) -> Booking:
    return (
        Booking.objects_unscoped.select_for_update(of=("self",))
        .select_related("person", "booker", "provider")
        .get(pk=booking.pk)
    )


def _reason(reason: str, message: str) -> str:
    reason = " ".join((reason or "").split())[:REASON_MAX]
    if not reason:
        raise ValidationError(message)
    return reason


def _order(booking: Booking) -> Order | None:
    if booking.order_id is None:
        return None
    return orders.lock(Order(pk=booking.order_id))


def release_order(booking: Booking, reason: str) -> None:
    """Every hold of the booking's order released (an order still open)."""
    order = _order(booking)
    if order is None:
        return
    if order.status == OrderStatus.AWAITING_PAYMENT:
        orders.cancel_by_buyer(bookings_actor(), order, reason=reason, booking_move=True)
    elif order.status == OrderStatus.CONFIRMED:
        order_delivery.cancel(bookings_actor(), order, reason=reason, booking_move=True)


def capture_order(booking: Booking, reason: str) -> None:
    """The booking's order captured (completed, or kept by the late policy); an online part
    never paid cannot be captured: the order is released instead."""
    order = _order(booking)
    if order is None:
        return
    if order.status == OrderStatus.CONFIRMED:
        order_delivery.deliver(bookings_actor(), order, booking_move=True)
    elif order.status == OrderStatus.AWAITING_PAYMENT:
        orders.cancel_by_buyer(bookings_actor(), order, reason=reason, booking_move=True)


def _free_seat(booking: Booking) -> None:
    """The seat goes to the slot's waiting list (held for the next entry) or is freed."""
    waitlist.seat_freed(booking.seat_key, booking.seats)


def _close(actor, booking, target, *, action, reason="", cancelled_by="", after=None, **kw):
    booking.closed_at = timezone.now()
    booking.cancelled_by = cancelled_by
    booking.cancel_reason = reason[:REASON_MAX]
    BOOKING.apply(
        actor,
        booking,
        target,
        action=action,
        reason=kw.get("audit_reason", reason),
        extra_fields=[
            "closed_at",
            "cancelled_by",
            "cancel_reason",
            "late_cancellation",
            "updated_at",
        ],
        person=booking.person_id,
        after=after,
    )


# --- the provider ------------------------------------------------------------------------------


@transaction.atomic
def confirm(actor: Actor, booking: Booking) -> Booking:
    """The provider accepts a booking of a service that needs review."""
    booking = lock(booking)
    require_provider_staff(actor, booking.provider_id)
    if booking.status == S.CONFIRMED:
        return booking
    BOOKING.check(actor, booking, S.CONFIRMED, action="bookings.booking_confirmed")
    order = _order(booking)
    if order is not None and order.status == OrderStatus.AWAITING_PAYMENT:
        raise ValidationError(
            _("Il pagamento online non è ancora arrivato: si potrà confermare dopo.")
        )
    booking.confirmed_at = timezone.now()
    BOOKING.apply(
        actor,
        booking,
        S.CONFIRMED,
        action="bookings.booking_confirmed",
        extra_fields=["confirmed_at", "updated_at"],
        person=booking.person_id,
    )
    booking_notices.to_citizen(booking)
    return booking


@transaction.atomic
def decline(actor: Actor, booking: Booking, *, reason: str) -> Booking:
    reason = _reason(reason, _("Indichi il motivo: lo leggerà chi ha prenotato."))
    booking = lock(booking)
    require_provider_staff(actor, booking.provider_id)
    BOOKING.check(actor, booking, S.DECLINED)
    _free_seat(booking)
    release_order(booking, reason)
    _close(actor, booking, S.DECLINED, action="bookings.booking_declined", reason=reason)
    booking_notices.to_citizen(booking, closed=True)
    return booking


def _started(booking: Booking, now) -> None:
    if booking.starts_at > now:
        raise ValidationError(
            _("L'appuntamento non è ancora iniziato: lo si potrà segnare %(day)s alle %(time)s.")
            % {
                "day": with_article(booking.starts_at.astimezone(ROME).date(), "dal"),
                "time": date_format(booking.starts_at.astimezone(ROME), "H:i"),
            }
        )


@transaction.atomic
def complete(actor: Actor, booking: Booking, *, now=None) -> Booking:
    """The service was delivered: the order (if any) is captured."""
    booking = lock(booking)
    require_provider_staff(actor, booking.provider_id)
    if booking.status == S.COMPLETED:
        return booking
    BOOKING.check(actor, booking, S.COMPLETED)
    _started(booking, now or timezone.now())
    capture_order(booking, _("Prenotazione svolta senza il pagamento online."))
    _close(actor, booking, S.COMPLETED, action="bookings.booking_completed")
    return booking


@transaction.atomic
def no_show(actor: Actor, booking: Booking, *, now=None) -> Booking:
    """The citizen did not come: the seat is freed; the order is kept at full price or
    released, as the service's late policy says."""
    booking = lock(booking)
    require_provider_staff(actor, booking.provider_id)
    if booking.status == S.NO_SHOW:
        return booking
    BOOKING.check(actor, booking, S.NO_SHOW)
    _started(booking, now or timezone.now())
    booking_seats.free(booking.seat_key, booking.seats)  # started: no hand-over
    reason = _("Il cittadino non si è presentato.")
    if booking.late_policy == LatePolicy.FULL_PRICE:
        capture_order(booking, reason)
    else:
        release_order(booking, reason)
    _close(
        actor,
        booking,
        S.NO_SHOW,
        action="bookings.booking_no_show",
        after={"policy": booking.late_policy},
    )
    return booking


@transaction.atomic
def cancel_by_provider(actor: Actor, booking: Booking, *, reason: str) -> Booking:
    reason = _reason(reason, _("Indichi il motivo dell'annullamento: lo leggerà chi ha prenotato."))
    booking = lock(booking)
    require_provider_staff(actor, booking.provider_id)
    action = "bookings.booking_cancelled_by_provider"
    BOOKING.check(actor, booking, S.CANCELLED, action=action)
    _free_seat(booking)
    release_order(booking, reason)
    _close(actor, booking, S.CANCELLED, action=action, reason=reason, cancelled_by="provider")
    booking_notices.to_citizen(booking, closed=True)
    return booking


# --- the Comune --------------------------------------------------------------------------------


@transaction.atomic
def cancel_by_comune(actor: Actor, booking: Booking, *, reason: str) -> Booking:
    """The Comune where the person served lives (circuit.manage) cancels: always free."""
    reason = _reason(reason, _("Indichi il motivo dell'annullamento: lo leggerà chi ha prenotato."))
    booking = lock(booking)
    action = "bookings.booking_cancelled_by_comune"
    BOOKING.check(actor, booking, S.CANCELLED, action=action)
    _free_seat(booking)
    release_order(booking, reason)
    _close(actor, booking, S.CANCELLED, action=action, reason=reason, cancelled_by="comune")
    booking_notices.to_citizen(booking, closed=True)
    booking_notices.to_provider(booking)
    return booking


# --- the citizen (or the desk for them) --------------------------------------------------------


def is_late(booking: Booking, now=None) -> bool:
    return (now or timezone.now()) > booking.cancellation_deadline


@transaction.atomic
def cancel_by_citizen(
    actor: Actor, booking: Booking, *, reason: str = "", consent_note: str = "", now=None
) -> Booking:
    """Free until the deadline; later, the late policy decides: `free` releases the order,
    `full_price` captures it (the provider keeps the price)."""
    booking = lock(booking)
    on_behalf, consent = acting_for(actor, booking.booker, consent_note)
    if booking.status == S.CANCELLED:
        return booking
    action = "bookings.booking_cancelled_by_citizen"
    BOOKING.check(actor, booking, S.CANCELLED, action=action)
    if booking.starts_at <= (now or timezone.now()):
        raise ValidationError(_("L'appuntamento è già iniziato: non si può più annullare."))
    late = is_late(booking, now)
    reason = " ".join((reason or "").split())[:REASON_MAX]
    _free_seat(booking)
    why = reason or _("Annullata da chi aveva prenotato.")
    if late and booking.late_policy == LatePolicy.FULL_PRICE:
        capture_order(booking, why)
    else:
        release_order(booking, why)
    booking.late_cancellation = late
    _close(
        actor,
        booking,
        S.CANCELLED,
        action=action,
        reason=reason,
        cancelled_by=CancelledBy.CITIZEN,
        after={"late": late, "policy": booking.late_policy},
        audit_reason=on_behalf_reason(actor, booking.booker, consent) if on_behalf else reason,
    )
    booking_notices.to_citizen(booking, closed=True)  # with the calendar's CANCEL
    booking_notices.to_provider(booking)
    return booking


@transaction.atomic
def reschedule(
    actor: Actor,
    booking: Booking,
    *,
    day: datetime.date,
    time: datetime.time,
    consent_note: str = "",
    now=None,
) -> Booking:
    """Move the booking to another free slot of its service before the cancellation deadline:
    the same row (its order and holds stay), the new seat taken and the old one freed in one
    transaction, the old and new times in the audit event."""
    now = now or timezone.now()
    booking = lock(booking)
    on_behalf, consent = acting_for(actor, booking.booker, consent_note)
    if not booking.active or booking.schedule_id is None:
        raise ValidationError(_("Questa prenotazione non si può spostare."))
    if is_late(booking, now):
        raise ValidationError(
            _("Si poteva spostare fino %(deadline)s: ora si può solo annullare.")
            % {
                "deadline": with_article(
                    booking.cancellation_deadline.astimezone(ROME), "al", "j F Y, H:i"
                )
            }
        )
    schedule = booking.schedule
    slot = agenda_reads.choose_slot(schedule, day, time, now=now, exclude_booking_id=booking.pk)
    if slot.start == booking.starts_at:
        raise ValidationError(_("È lo stesso orario della prenotazione: ne scelga un altro."))
    reason = on_behalf_reason(actor, booking.booker, consent) if on_behalf else ""
    return move_to_slot(actor, booking, schedule, slot, reason=reason, now=now)


def move_to_slot(
    actor: Actor, booking: Booking, schedule, slot, *, reason: str = "", now=None
) -> Booking:
    """The seat moved to `slot` (taken there, freed here), the new times and deadline saved,
    `bookings.booking_rescheduled` recorded, both sides told. In the caller's transaction, on
    a locked booking whose move the caller has allowed (the citizen's `reschedule`, the
    provider's `booking_provider_moves.reschedule_by_provider`). The freed seat goes to the
    old slot's waiting list, whose offer runs from `now`."""
    now = now or timezone.now()
    old_key, before = booking.seat_key, {"starts_at": booking.starts_at.isoformat()}
    # The two counters are updated in the order of their keys (as every reschedule does): two
    # moves in opposite directions at once wait for each other instead of deadlocking. A
    # refusal after the old seat was freed rolls the whole transaction back.
    new_key = resource_id = None
    free = resource_busy.lock_free(
        schedule, slot.resource_ids, slot.start, slot.end, exclude_booking_id=booking.pk
    )
    candidates = sorted((booking_seats.slot_key(schedule.pk, rid, slot.start), rid) for rid in free)
    freed = False
    for key, candidate in candidates:
        if not freed and old_key < key:
            waitlist.seat_freed(old_key, booking.seats, now=now)
            freed = True
        if booking_seats.take(
            key=key,
            provider_id=schedule.provider_id,
            capacity=schedule.capacity,
            starts_at=slot.start,
            schedule_id=schedule.pk,
            resource_id=candidate,
        ):
            new_key, resource_id = key, candidate
            break
    if new_key is None:
        raise ValidationError(str(SLOT_FULL))
    if not freed:
        waitlist.seat_freed(old_key, booking.seats, now=now)
    booking.starts_at, booking.ends_at = slot.start, slot.end
    booking.resource_id, booking.seat_key = resource_id, new_key
    booking.cancellation_deadline = deadline_of(schedule, slot.start)
    booking.reschedule_count += 1
    booking.save(
        update_fields=[
            "starts_at",
            "ends_at",
            "resource",
            "seat_key",
            "cancellation_deadline",
            "reschedule_count",
            "updated_at",
        ]
    )
    audit.record(
        actor,
        "bookings.booking_rescheduled",
        booking,
        organization=booking.organization_id,
        person=booking.person_id,
        before=before,
        after={"starts_at": slot.start.isoformat()},
        reason=reason,
    )
    booking_notices.booking_moved(booking)
    return booking


# --- the order's payment (called by services/order_payment.py) ---------------------------------


def order_paid(order: Order) -> None:
    """The online part of a booking's order arrived: confirmed, unless the provider reviews."""
    booking = Booking.objects_unscoped.filter(order_id=order.pk).first()
    if booking is None:
        return
    booking = lock(booking)
    schedule = agenda_reads.schedule_of(booking.service)
    if booking.status != S.REQUESTED or (schedule and schedule.needs_review):
        return
    booking.confirmed_at = timezone.now()
    BOOKING.apply(
        Actor.system_actor("bookings.payments"),
        booking,
        S.CONFIRMED,
        action="bookings.booking_paid",
        extra_fields=["confirmed_at", "updated_at"],
        person=booking.person_id,
    )
    booking_notices.to_citizen(booking)


def order_lapsed(order: Order) -> None:
    """The online payment failed or expired: the booking is cancelled and its seat freed."""
    booking = Booking.objects_unscoped.filter(order_id=order.pk).first()
    if booking is None:
        return
    booking = lock(booking)
    if not booking.active:
        return
    _free_seat(booking)
    _close(
        Actor.system_actor("bookings.payments"),
        booking,
        S.CANCELLED,
        action="bookings.booking_payment_lapsed",
        reason=_("Pagamento online non riuscito o non arrivato in tempo."),
        cancelled_by=CancelledBy.SYSTEM,
    )
    booking_notices.to_citizen(booking, closed=True)
