"""Bookings through their services: the lifecycle (each move with its audit event), for a
household member, by the desk on behalf, bad input (nothing changed), the cancellation deadline
and both late policies with their effect on the wallets, rescheduling, the provider's moves,
capture on completion, the Comune, the seats' recomputation."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from benecomune.bookings.booking_lifecycle import BOOKING
from benecomune.bookings.models import (
    Booking,
    BookingStatus,
    CancelledBy,
    Order,
    OrderStatus,
    SlotSeats,
)
from benecomune.bookings.services import agenda_reads, booking_moves, booking_seats, bookings
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent
from benecomune.core.scoping import all_tenants
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.marketplace.purchases import resolve_purchase
from tests.bookings.agenda_fixtures import set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book, count, free_slots, key
from tests.bookings.test_orders_fixtures import available, balance

S = BookingStatus
HOUR = datetime.timedelta(hours=1)


def actions(booking) -> list[str]:
    return list(
        AuditEvent.objects_unscoped.filter(
            object_type="bookings.booking", object_id=str(booking.pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


def taken(booking) -> int:
    return SlotSeats.objects_unscoped.get(key=booking.seat_key).taken


def pay(wallets):
    return {
        "split": {wallets[0].pk: 2_000, wallets[1].pk: 1_500},
        "own_amount": 1_500,
        "own_money": "at_provider",
    }


# --- making a booking --------------------------------------------------------------------------


def test_free_booking_is_confirmed_at_once_and_takes_a_seat(citizen, buyer, free_service):
    booking = book(citizen, free_service, buyer)
    assert booking.status == S.CONFIRMED and booking.order is None
    assert booking.person == buyer and booking.booker == buyer and not booking.on_behalf
    assert taken(booking) == 1 and booking.resource is not None
    assert actions(booking) == ["bookings.booking_made"]
    assert booking.cancellation_deadline == booking.starts_at - 24 * HOUR


def test_priced_booking_holds_the_wallets_through_one_order(citizen, buyer, priced, wallets):
    _provider, _owner, service = priced
    booking = book(citizen, service, buyer, **pay(wallets))
    order = booking.order
    assert booking.status == S.CONFIRMED and order.status == OrderStatus.CONFIRMED
    assert order.amount == 5_000 and order.due_at_provider == 1_500
    assert available(wallets[0]) == 0 and available(wallets[1]) == 0
    assert balance(wallets[0]) == 2_000  # held, not captured


def test_refused_payment_leaves_no_booking_and_no_seat(citizen, buyer, priced, wallets):
    _provider, _owner, service = priced
    with pytest.raises(ValidationError, match="La ripartizione somma"):
        book(citizen, service, buyer, split={wallets[0].pk: 2_000})
    assert count() == 0 and not Order.objects_unscoped.exists()
    assert not SlotSeats.objects_unscoped.filter(taken__gt=0).exists()
    assert available(wallets[0]) == 2_000


def test_for_a_household_member(citizen, buyer, family, free_service):
    booking = book(citizen, free_service, buyer, person=family)
    assert booking.person == family and booking.booker == buyer
    assert family in bookings.household_people(buyer)


def test_not_for_someone_outside_the_household(
    citizen, buyer, free_service, make_person, municipality
):
    stranger = make_person(municipality, first_name="Anna")
    with pytest.raises(ValidationError, match="nucleo familiare"):
        book(citizen, free_service, buyer, person=stranger)
    assert count() == 0


def test_not_for_another_citizen(buyer, free_service, make_person, make_user, municipality):
    other = make_person(municipality, first_name="Anna")
    from benecomune.core.actors import Actor

    actor = Actor(user=make_user("anna@example.org", person=other))
    with pytest.raises(PermissionDenied):
        book(actor, free_service, buyer)
    assert count() == 0


def test_desk_books_on_behalf_with_consent(desk, buyer, free_service):
    with pytest.raises(ValidationError):
        book(desk, free_service, buyer)  # no consent
    booking = book(desk, free_service, buyer, consent_note="di persona, con documento")
    assert booking.on_behalf and booking.created_by == desk.user and booking.booker == buyer
    event = AuditEvent.objects_unscoped.get(
        object_id=str(booking.pk), action="bookings.booking_made"
    )
    assert "Allo sportello, per conto di" in event.reason and "documento" in event.reason


def test_desk_books_a_priced_service_paid_by_the_citizens_wallets(desk, buyer, priced, wallets):
    _provider, _owner, service = priced
    booking = book(desk, service, buyer, consent_note="di persona", **pay(wallets))
    assert booking.order.buyer == buyer and booking.order.status == OrderStatus.CONFIRMED


# --- bad input ---------------------------------------------------------------------------------


def _try(actor, service, buyer, day, time, match):
    with pytest.raises(ValidationError, match=match), all_tenants():
        bookings.book(
            actor, service=service, booker=buyer, day=day, time=time, idempotency_key=key()
        )
    assert count() == 0


def test_in_the_past(citizen, buyer, free_service):
    _try(citizen, free_service, buyer, datetime.date(2020, 3, 2), datetime.time(10), "già passato")


def test_outside_the_window(citizen, buyer, free_service):
    far = timezone.localdate() + datetime.timedelta(days=200)
    _try(citizen, free_service, buyer, far, datetime.time(10), "al massimo 90 giorni")


def test_in_the_summer_time_gap(citizen, buyer, free_service):
    _try(
        citizen, free_service, buyer, datetime.date(2027, 3, 28), datetime.time(2, 30), "non esiste"
    )


def test_not_a_slot(citizen, buyer, free_service):
    # A day well inside the window: the first may still be within the minimum notice at 12:17.
    day, _time, _slot = free_slots(free_service, 1000)[-1]
    _try(citizen, free_service, buyer, day, datetime.time(12, 17), "non c'è un turno libero")


def test_full_slot(citizen, buyer, priced, make_person, make_user, municipality, wallets):
    """Capacity 1: a second citizen finds the turn gone from the calendar and is refused."""
    from benecomune.core.actors import Actor

    _provider, _owner, service = priced
    day, time, _slot = free_slots(service)[0]
    with all_tenants():
        bookings.book(
            citizen,
            service=service,
            booker=buyer,
            day=day,
            time=time,
            idempotency_key=key(),
            **pay(wallets),
        )
    other = make_person(municipality, first_name="Anna")
    actor = Actor(user=make_user("anna@example.org", person=other))
    assert (day, time) not in [(d, t) for d, t, _s in free_slots(service, 10)]
    with pytest.raises(ValidationError, match="non c'è un turno libero"), all_tenants():
        bookings.book(actor, service=service, booker=other, day=day, time=time, idempotency_key="x")
    assert count() == 1


def test_slot_that_just_filled(citizen, buyer, free_service, monkeypatch):
    """The calendar still showed it free; the conditional update refuses the seat."""
    day, time, slot = free_slots(free_service)[0]
    schedule = agenda_reads.schedule_of(free_service)
    with all_tenants():
        for rid in slot.resource_ids:
            SlotSeats.objects_unscoped.create(
                provider_id=schedule.provider_id,
                key=booking_seats.slot_key(schedule.pk, rid, slot.start),
                schedule=schedule,
                resource_id=rid,
                starts_at=slot.start,
                capacity=3,
                taken=3,
            )
    monkeypatch.setattr(agenda_reads, "occupied_of", lambda *a: {})
    with pytest.raises(ValidationError, match="appena stato completato"), all_tenants():
        bookings.book(
            citizen, service=free_service, booker=buyer, day=day, time=time, idempotency_key=key()
        )
    assert count() == 0
    SlotSeats.objects_unscoped.all().delete()  # the test's own counters


def test_double_submission_and_replayed_key_are_one_booking(citizen, buyer, priced, wallets):
    _provider, _owner, service = priced
    day, time, _slot = free_slots(service)[0]
    with all_tenants():
        first = bookings.book(
            citizen,
            service=service,
            booker=buyer,
            day=day,
            time=time,
            idempotency_key="same",
            **pay(wallets),
        )
        again = bookings.book(
            citizen,
            service=service,
            booker=buyer,
            day=day,
            time=time,
            idempotency_key="same",
            **pay(wallets),
        )
        assert first.pk == again.pk and count() == 1 and Order.objects_unscoped.count() == 1
        assert taken(first) == 1
        other_day, other_time, _s = free_slots(service, 2)[1]
        with pytest.raises(IdempotencyConflict):
            bookings.book(
                citizen,
                service=service,
                booker=buyer,
                day=other_day,
                time=other_time,
                idempotency_key="same",
            )
    assert count() == 1


# --- the citizen cancels ------------------------------------------------------------------------


def test_cancel_before_the_deadline_is_free(citizen, buyer, priced, wallets):
    _provider, _owner, service = priced
    booking = book(citizen, service, buyer, **pay(wallets))
    with all_tenants():
        booking = booking_moves.cancel_by_citizen(citizen, booking)
    assert booking.status == S.CANCELLED and booking.cancelled_by == CancelledBy.CITIZEN
    assert not booking.late_cancellation and taken(booking) == 0
    assert booking.order.status == OrderStatus.CANCELLED
    assert available(wallets[0]) == 2_000 and balance(wallets[0]) == 2_000
    assert actions(booking)[-1] == "bookings.booking_cancelled_by_citizen"


@pytest.mark.parametrize(
    ("policy", "order_status", "kept"),
    [("free", OrderStatus.CANCELLED, 0), ("full_price", OrderStatus.DELIVERED, 2_000)],
)
def test_late_cancellation_as_the_policy_says(
    citizen, buyer, priced, wallets, policy, order_status, kept
):
    _provider, owner, service = priced
    with all_tenants():
        set_rules(
            owner,
            service,
            list(agenda_reads.schedule_of(service).resources.all()),
            late_policy=policy,
        )
    booking = book(citizen, service, buyer, **pay(wallets))
    assert booking.late_policy == policy
    with all_tenants():
        booking = booking_moves.cancel_by_citizen(citizen, booking, now=booking.starts_at - HOUR)
    assert booking.status == S.CANCELLED and booking.late_cancellation
    booking.order.refresh_from_db()
    assert booking.order.status == order_status
    assert balance(wallets[0]) == 2_000 - kept and available(wallets[0]) == 2_000 - kept
    assert taken(booking) == 0


def test_cancel_after_the_start_is_refused(citizen, buyer, free_service):
    booking = book(citizen, free_service, buyer)
    with pytest.raises(ValidationError, match="già iniziato"), all_tenants():
        booking_moves.cancel_by_citizen(citizen, booking, now=booking.starts_at + HOUR)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED and taken(booking) == 1


def test_desk_cancels_on_behalf(desk, citizen, buyer, free_service):
    booking = book(citizen, free_service, buyer)
    with all_tenants():
        booking = booking_moves.cancel_by_citizen(desk, booking, consent_note="al telefono")
    assert booking.status == S.CANCELLED
    event = AuditEvent.objects_unscoped.get(
        object_id=str(booking.pk), action="bookings.booking_cancelled_by_citizen"
    )
    assert "per conto di" in event.reason


# --- rescheduling ------------------------------------------------------------------------------


def test_reschedule_moves_the_seat_and_keeps_the_order(citizen, buyer, priced, wallets):
    _provider, _owner, service = priced
    booking = book(citizen, service, buyer, **pay(wallets))
    old_key, order_id = booking.seat_key, booking.order_id
    day, time, slot = free_slots(service, 3)[2]
    with all_tenants():
        booking = booking_moves.reschedule(citizen, booking, day=day, time=time)
    assert booking.starts_at == slot.start and booking.order_id == order_id
    assert booking.reschedule_count == 1 and booking.status == S.CONFIRMED
    assert SlotSeats.objects_unscoped.get(key=old_key).taken == 0 and taken(booking) == 1
    assert booking.cancellation_deadline == slot.start - 24 * HOUR
    assert actions(booking)[-1] == "bookings.booking_rescheduled"
    assert available(wallets[0]) == 0  # still held


def test_reschedule_after_the_deadline_or_to_a_bad_time_changes_nothing(
    citizen, buyer, free_service
):
    booking = book(citizen, free_service, buyer)
    day, time, _slot = free_slots(free_service, 2)[1]
    with pytest.raises(ValidationError, match="ora si può solo annullare"), all_tenants():
        booking_moves.reschedule(citizen, booking, day=day, time=time, now=booking.starts_at - HOUR)
    with pytest.raises(ValidationError, match="non esiste"), all_tenants():
        booking_moves.reschedule(
            citizen, booking, day=datetime.date(2027, 3, 28), time=datetime.time(2, 30)
        )
    before = booking.starts_at
    booking.refresh_from_db()
    assert booking.starts_at == before and booking.reschedule_count == 0


# --- the provider ------------------------------------------------------------------------------


def test_review_then_confirm(citizen, buyer, priced, wallets):
    _provider, owner, service = priced
    with all_tenants():
        set_rules(
            owner,
            service,
            list(agenda_reads.schedule_of(service).resources.all()),
            needs_review=True,
        )
    booking = book(citizen, service, buyer, **pay(wallets))
    assert booking.status == S.REQUESTED and taken(booking) == 1
    with all_tenants():
        booking = booking_moves.confirm(owner, booking)
    assert booking.status == S.CONFIRMED
    assert actions(booking) == ["bookings.booking_made", "bookings.booking_confirmed"]


def test_review_then_decline_releases(citizen, buyer, priced, wallets):
    _provider, owner, service = priced
    with all_tenants():
        set_rules(
            owner,
            service,
            list(agenda_reads.schedule_of(service).resources.all()),
            needs_review=True,
        )
    booking = book(citizen, service, buyer, **pay(wallets))
    with pytest.raises(ValidationError, match="motivo"), all_tenants():
        booking_moves.decline(owner, booking, reason="  ")
    with all_tenants():
        booking = booking_moves.decline(owner, booking, reason="Operatrice in ferie")
    assert booking.status == S.DECLINED and booking.cancel_reason == "Operatrice in ferie"
    assert taken(booking) == 0 and available(wallets[0]) == 2_000


def test_complete_captures_the_order(citizen, buyer, priced, wallets):
    _provider, owner, service = priced
    booking = book(citizen, service, buyer, **pay(wallets))
    with pytest.raises(ValidationError, match="non è ancora iniziato"), all_tenants():
        booking_moves.complete(owner, booking)
    with all_tenants():
        booking = booking_moves.complete(owner, booking, now=booking.starts_at + HOUR)
    booking.order.refresh_from_db()
    assert booking.status == S.COMPLETED and booking.order.status == OrderStatus.DELIVERED
    assert balance(wallets[0]) == 0 and balance(wallets[1]) == 0
    assert taken(booking) == 1  # the seat was used


@pytest.mark.parametrize(("policy", "kept"), [("free", 0), ("full_price", 2_000)])
def test_no_show_as_the_policy_says(citizen, buyer, priced, wallets, policy, kept):
    _provider, owner, service = priced
    with all_tenants():
        set_rules(
            owner,
            service,
            list(agenda_reads.schedule_of(service).resources.all()),
            late_policy=policy,
        )
    booking = book(citizen, service, buyer, **pay(wallets))
    with all_tenants():
        booking = booking_moves.no_show(owner, booking, now=booking.starts_at + HOUR)
    assert booking.status == S.NO_SHOW and taken(booking) == 0
    assert balance(wallets[0]) == 2_000 - kept and available(wallets[0]) == 2_000 - kept


def test_provider_cancels_with_a_reason(citizen, buyer, priced, wallets):
    _provider, owner, service = priced
    booking = book(citizen, service, buyer, **pay(wallets))
    with pytest.raises(ValidationError, match="motivo"), all_tenants():
        booking_moves.cancel_by_provider(owner, booking, reason="")
    with all_tenants():
        booking = booking_moves.cancel_by_provider(owner, booking, reason="Sede chiusa")
    assert booking.cancelled_by == CancelledBy.PROVIDER and available(wallets[0]) == 2_000


def test_another_providers_staff_may_not_move_it(citizen, buyer, free_service, make_provider):
    _other, stranger = make_provider()
    booking = book(citizen, free_service, buyer)
    for move in (
        lambda: booking_moves.confirm(stranger, booking),
        lambda: booking_moves.complete(stranger, booking, now=booking.starts_at + HOUR),
        lambda: booking_moves.cancel_by_provider(stranger, booking, reason="x"),
    ):
        with pytest.raises(PermissionDenied), all_tenants():
            move()
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


# --- the Comune --------------------------------------------------------------------------------


def test_comune_cancels(citizen, buyer, priced, wallets, comune, desk):
    _provider, _owner, service = priced
    booking = book(citizen, service, buyer, **pay(wallets))
    with pytest.raises(PermissionDenied), all_tenants():
        booking_moves.cancel_by_comune(desk, booking, reason="Allerta meteo")
    with all_tenants():
        booking = booking_moves.cancel_by_comune(comune, booking, reason="Allerta meteo")
    assert booking.cancelled_by == CancelledBy.COMUNE and available(wallets[0]) == 2_000
    assert actions(booking)[-1] == "bookings.booking_cancelled_by_comune"


# --- the table, reviews, the recomputation -------------------------------------------------------


def test_every_move_of_the_table_is_labelled():
    assert BOOKING.reachable() == set(S.values)


def test_completed_free_booking_is_reviewable(citizen, buyer, free_service, seller):
    _provider, owner, _service = seller
    booking = book(citizen, free_service, buyer)
    purchase = resolve_purchase("bookings.booking", booking.pk)
    assert not purchase.completed and purchase.buyer_id == buyer.pk
    with all_tenants():
        booking_moves.complete(owner, booking, now=booking.starts_at + HOUR)
    assert resolve_purchase("bookings.booking", booking.pk).completed


def test_priced_booking_is_not_a_booking_purchase(citizen, buyer, priced, wallets):
    _provider, _owner, service = priced
    booking = book(citizen, service, buyer, **pay(wallets))
    with pytest.raises(ValidationError):
        resolve_purchase("bookings.booking", booking.pk)


def test_check_seats_finds_a_wrong_count(citizen, buyer, free_service):
    booking = book(citizen, free_service, buyer)
    assert booking_seats.check_seats() == []
    SlotSeats.objects_unscoped.filter(key=booking.seat_key).update(taken=2)
    assert booking_seats.check_seats() == [f"{booking.seat_key}: taken 2"]
    SlotSeats.objects_unscoped.filter(key=booking.seat_key).update(taken=1)


def test_series_booking(citizen, buyer, free_service, seller):
    from benecomune.bookings.services import agenda_schedule

    _provider, owner, _service = seller
    first = timezone.localdate() + datetime.timedelta(days=10)
    with all_tenants():
        series = agenda_schedule.create_series(
            owner,
            free_service,
            title="Laboratorio di lettura",
            first_day=first,
            weekdays=[first.weekday()],
            weeks=4,
            starts_at=datetime.time(17),
            ends_at=datetime.time(18),
            capacity=1,
            resource=None,
        )
        booking = bookings.book(
            citizen, service=free_service, booker=buyer, series=series, idempotency_key=key()
        )
        assert booking.series == series and booking.status == S.CONFIRMED
        assert booking_seats.series_taken(series) == 1
        with pytest.raises(ValidationError, match="completato"):
            bookings.book(
                citizen, service=free_service, booker=buyer, series=series, idempotency_key=key()
            )
    assert Booking.objects_unscoped.count() == 1


def test_the_orders_own_moves_refuse_a_bookings_order(citizen, buyer, priced, wallets):
    from benecomune.bookings.services import order_delivery, orders

    _provider, owner, service = priced
    booking = book(citizen, service, buyer, **pay(wallets))
    for move in (
        lambda: order_delivery.deliver(owner, booking.order),
        lambda: order_delivery.cancel(owner, booking.order, reason="x"),
        lambda: orders.cancel_by_buyer(citizen, booking.order),
    ):
        with pytest.raises(ValidationError, match="dalla prenotazione"), all_tenants():
            move()
    booking.order.refresh_from_db()
    assert booking.order.status == OrderStatus.CONFIRMED and available(wallets[0]) == 0


def test_online_payment_confirms_or_lapses_the_booking(citizen, buyer, priced, wallets, hosted):
    from benecomune.bookings.services import order_payment

    _provider, _owner, service = priced
    booking = book(
        citizen, service, buyer, split={wallets[0].pk: 2_000}, own_amount=3_000, own_money="online"
    )
    assert booking.status == S.REQUESTED and booking.order.status == OrderStatus.AWAITING_PAYMENT
    with all_tenants():
        order_payment.expire_unpaid(
            Actor.system_actor("tests"), now=booking.order.payment_due_by + HOUR
        )
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED and booking.cancelled_by == CancelledBy.SYSTEM
    assert taken(booking) == 0 and available(wallets[0]) == 2_000


def test_online_payment_arrived_confirms_the_booking(citizen, buyer, priced, wallets, hosted):
    from benecomune.bookings.services.order_payment import handle_notification
    from tests.bookings.test_orders_gateway import event

    _provider, owner, service = priced
    booking = book(
        citizen, service, buyer, split={wallets[0].pk: 2_000}, own_amount=3_000, own_money="online"
    )
    with pytest.raises(ValidationError, match="non è ancora arrivato"), all_tenants():
        booking_moves.confirm(owner, booking)
    with all_tenants():
        assert handle_notification(*event(booking.order)) == "paid"
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    assert actions(booking)[-1] == "bookings.booking_paid"


def test_a_service_no_longer_offered_is_refused(citizen, buyer, free_service, seller):
    from benecomune.marketplace.services import catalogue

    _provider, owner, _service = seller
    day, time, _slot = free_slots(free_service)[0]
    with all_tenants():
        catalogue.unpublish(owner, free_service)
    _try(citizen, free_service, buyer, day, time, "non è più offerto")


def test_too_late_to_move_reads_fino_all_8(citizen, buyer, free_service):
    """The deadline with its article elided: "fino all'8 dicembre", in Rome's time."""
    booking = book(citizen, free_service, buyer)
    day, time, _slot = free_slots(free_service, 2)[1]
    deadline = datetime.datetime(2026, 12, 7, 23, 30, tzinfo=datetime.UTC)  # 00:30 in Rome
    Booking.objects_unscoped.filter(pk=booking.pk).update(cancellation_deadline=deadline)
    booking.refresh_from_db()
    with pytest.raises(ValidationError) as refused, all_tenants():
        booking_moves.reschedule(citizen, booking, day=day, time=time, now=deadline + HOUR)
    assert refused.value.messages == [
        "Si poteva spostare fino all'8 dicembre 2026, 00:30: ora si può solo annullare."
    ]
