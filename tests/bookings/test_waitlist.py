"""The waiting list through its services, with a frozen clock: joining a full slot (and the
refusals), the hand-over of a freed place (offer, held seat, lapse, next, release), accepting
(free and paid, a refused payment changes nothing), declining, leaving, the lazy expiry, a
no-show that frees nothing for the list, a reschedule away that does; every move audited and
the seat counters equal to their recomputation (holds counted) after every test."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.bookings.models import BookingStatus, SlotSeats, WaitlistEntry
from benecomune.bookings.models import WaitlistStatus as W
from benecomune.bookings.services import booking_moves, booking_seats, waitlist
from benecomune.core.models import AuditEvent, Notification
from benecomune.core.models.notifications import OutboxMessage
from benecomune.core.scoping import all_tenants
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book, free_slots
from tests.bookings.test_orders_fixtures import available
from tests.bookings.waitlist_fixtures import *  # noqa: F403
from tests.bookings.waitlist_fixtures import CONSENT, join, one_seat


def actions(entry) -> list[str]:
    return list(
        AuditEvent.objects_unscoped.filter(
            object_type="bookings.waitlistentry", object_id=str(entry.pk)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


def fresh(entry):
    return WaitlistEntry.objects_unscoped.get(pk=entry.pk)


def taken(key) -> int:
    return SlotSeats.objects_unscoped.get(key=key).taken


@pytest.fixture
def full(citizen, buyer, free_service, seller):
    """The free service with one seat per turn; the buyer booked the first turn."""
    _provider, owner, _service = seller
    one_seat(free_service, owner)
    booking = book(citizen, free_service, buyer)
    return free_service, booking


def test_join_is_refused_while_the_slot_has_free_seats(desk, free_service, waiters):
    with pytest.raises(ValidationError, match="ancora posti liberi"):
        join(desk, free_service, waiters[0])
    assert WaitlistEntry.objects_unscoped.count() == 0


def test_join_a_full_slot_records_the_entry(desk, full, waiters):
    service, booking = full
    entry = join(desk, service, waiters[0], at=booking.starts_at)
    assert entry.status == W.WAITING and entry.on_behalf and entry.consent_note == CONSENT
    assert entry.starts_at == booking.starts_at and entry.schedule_id == booking.schedule_id
    assert actions(entry) == ["bookings.waitlist_joined"]
    assert waitlist.position(entry) == 1
    assert Notification.objects.filter(person=waiters[0]).count() == 1


def test_join_refusals_change_nothing(desk, citizen, full, waiters, buyer):
    service, booking = full
    entry = join(desk, service, waiters[0], at=booking.starts_at, idempotency_key="same")
    assert (
        join(desk, service, waiters[0], at=booking.starts_at, idempotency_key="same") == entry
    )  # replay
    with pytest.raises(ValidationError, match="già in lista"):
        join(desk, service, waiters[0], at=booking.starts_at)
    with pytest.raises(ValidationError, match="già una prenotazione"):
        join(citizen, service, buyer, at=booking.starts_at)
    with pytest.raises(ValidationError, match="consenso"):
        join(desk, service, waiters[1], at=booking.starts_at, consent="")
    with pytest.raises(PermissionDenied):
        join(citizen, service, waiters[1], at=booking.starts_at)  # not of the buyer's household
    assert WaitlistEntry.objects_unscoped.count() == 1


def test_hand_over_offer_lapse_next_and_release(clock, desk, citizen, buyer, full, waiters):
    service, booking = full
    first = join(desk, service, waiters[0], at=booking.starts_at)
    second = join(desk, service, waiters[1], at=booking.starts_at)
    with all_tenants():
        booking_moves.cancel_by_citizen(citizen, booking)
    # The place is held for the first: still taken, nobody else can book it.
    first = fresh(first)
    assert first.status == W.OFFERED and first.hold_key == booking.seat_key
    assert first.offer_expires_at == clock.now + waitlist.offer_window()
    assert taken(booking.seat_key) == 1 and booking_seats.check_seats() == []
    assert free_slots(service)[0][2].start != booking.starts_at
    mail = OutboxMessage.objects_unscoped.get(template_key="bookings_waitlist_offered")
    assert mail.to == "anna@example.org" and "Si è liberato un posto" in mail.subject
    # Not yet due: nothing moves.
    clock.advance(minutes=119)
    assert waitlist.expire_due() == 0
    # Lapsed: the second gets it, with a fresh window.
    clock.advance(minutes=1)
    assert waitlist.expire_due() == 1
    assert fresh(first).status == W.LAPSED
    second = fresh(second)
    assert second.status == W.OFFERED and second.hold_key == booking.seat_key
    assert second.offer_expires_at == clock.now + waitlist.offer_window()
    assert taken(booking.seat_key) == 1
    # The second lapses too: nobody is left, the place is released and bookable again.
    clock.advance(hours=2)
    assert waitlist.expire_due() == 1
    assert fresh(second).status == W.LAPSED
    assert taken(booking.seat_key) == 0
    assert free_slots(service)[0][2].start == booking.starts_at
    assert actions(first) == [
        "bookings.waitlist_joined",
        "bookings.waitlist_offered",
        "bookings.waitlist_offer_lapsed",
    ]
    assert waitlist.expire_due() == 0  # idempotent


def test_offer_never_outlasts_the_slot_and_waiting_entries_close_when_it_starts(
    clock, desk, citizen, full, waiters
):
    service, booking = full
    entry = join(desk, service, waiters[0], at=booking.starts_at)
    later = join(desk, service, waiters[1], at=booking.starts_at)
    clock.now = booking.starts_at - waitlist.offer_window() / 2
    with all_tenants():
        booking_moves.cancel_by_citizen(citizen, booking, now=clock.now)
    assert fresh(entry).offer_expires_at == booking.starts_at
    clock.now = booking.starts_at
    assert waitlist.expire_due() == 2  # the offer lapses, the other entry is closed
    assert fresh(entry).status == W.LAPSED and fresh(later).status == W.CLOSED
    assert taken(booking.seat_key) == 0  # started: released, not offered


def test_accept_turns_the_hold_into_a_booking(clock, desk, citizen, full, waiters):
    service, booking = full
    entry = join(desk, service, waiters[0], at=booking.starts_at)
    with all_tenants():
        booking_moves.cancel_by_citizen(citizen, booking)
        made = waitlist.accept(desk, fresh(entry), consent_note=CONSENT)
    assert made.status == BookingStatus.CONFIRMED and made.person == waiters[0]
    assert made.seat_key == booking.seat_key and made.starts_at == booking.starts_at
    entry = fresh(entry)
    assert entry.status == W.ACCEPTED and entry.booking == made
    assert taken(booking.seat_key) == 1
    assert actions(entry)[-1] == "bookings.waitlist_accepted"
    with all_tenants():  # a second click returns the same booking
        assert waitlist.accept(desk, entry, consent_note=CONSENT) == made


def test_accept_after_the_offer_lapsed_is_refused_lazily(clock, desk, citizen, full, waiters):
    service, booking = full
    entry = join(desk, service, waiters[0], at=booking.starts_at)
    with all_tenants():
        booking_moves.cancel_by_citizen(citizen, booking)
    clock.advance(hours=3)
    with all_tenants(), pytest.raises(ValidationError, match="non è più valida"):
        waitlist.accept(desk, fresh(entry), consent_note=CONSENT)
    assert fresh(entry).status == W.LAPSED and taken(booking.seat_key) == 0


def test_another_citizen_cannot_accept(citizen, desk, seller, full, waiters, clock):
    _provider, owner, _service = seller
    service, booking = full
    entry = join(desk, service, waiters[0], at=booking.starts_at)
    with all_tenants():
        booking_moves.cancel_by_provider(owner, booking, reason="Malattia")
        with pytest.raises(PermissionDenied):
            waitlist.accept(citizen, fresh(entry))
    assert fresh(entry).status == W.OFFERED


def test_decline_passes_the_place_on(desk, citizen, full, waiters, clock):
    service, booking = full
    first, second = (
        join(desk, service, waiters[0], at=booking.starts_at),
        join(desk, service, waiters[1], at=booking.starts_at),
    )
    with all_tenants():
        booking_moves.cancel_by_citizen(citizen, booking)
        waitlist.decline(desk, fresh(first), consent_note=CONSENT)
    assert fresh(first).status == W.DECLINED
    assert fresh(second).status == W.OFFERED and taken(booking.seat_key) == 1


def test_leave_the_list_waiting_or_offered(desk, citizen, full, waiters, clock):
    service, booking = full
    first, second, third = (join(desk, service, w, at=booking.starts_at) for w in waiters)
    with all_tenants():
        waitlist.leave(desk, fresh(second), consent_note=CONSENT)  # waiting: just out
        assert fresh(second).status == W.LEFT
        booking_moves.cancel_by_citizen(citizen, booking)
        assert fresh(first).status == W.OFFERED
        waitlist.leave(desk, fresh(first), consent_note=CONSENT)  # offered: passes on
        assert waitlist.leave(desk, fresh(first), consent_note=CONSENT).status == W.LEFT
    assert fresh(first).status == W.LEFT and fresh(third).status == W.OFFERED
    assert actions(second) == ["bookings.waitlist_joined", "bookings.waitlist_left"]
    assert taken(booking.seat_key) == 1


def test_no_show_frees_nothing_for_the_list(clock, desk, seller, full, waiters):
    _provider, owner, _service = seller
    service, booking = full
    entry = join(desk, service, waiters[0], at=booking.starts_at)
    clock.now = booking.starts_at + waitlist.offer_window() / 4
    with all_tenants():
        booking_moves.no_show(owner, booking)
    assert fresh(entry).status == W.WAITING and taken(booking.seat_key) == 0


def test_reschedule_away_hands_the_seat_over(desk, citizen, full, waiters, clock):
    service, booking = full
    entry = join(desk, service, waiters[0], at=booking.starts_at)
    day, time, _slot = free_slots(service)[0]  # the next free turn
    with all_tenants():
        booking_moves.reschedule(citizen, booking, day=day, time=time)
    entry = fresh(entry)
    assert entry.status == W.OFFERED and entry.hold_key == booking.seat_key
    assert taken(booking.seat_key) == 1


def test_payment_refused_on_accept_changes_nothing(
    clock, citizen, buyer, priced, wallets, make_person, municipality, make_user
):
    _provider, _owner, service = priced
    from benecomune.core.actors import Actor

    other = make_person(municipality, first_name="Dario")
    other_actor = Actor(user=make_user("dario@example.org", person=other))
    booking = book(other_actor, service, other, own_amount=5_000, own_money="at_provider")
    entry = join(citizen, service, buyer, at=booking.starts_at)
    with all_tenants():
        booking_moves.cancel_by_citizen(other_actor, booking)
        entry = fresh(entry)
        assert entry.status == W.OFFERED
        with pytest.raises(ValidationError, match="somma"):
            waitlist.accept(citizen, entry, split={wallets[0].pk: 2_000}, own_amount=0)
        assert fresh(entry).status == W.OFFERED and taken(entry.hold_key) == 1
        made = waitlist.accept(
            citizen,
            entry,
            split={wallets[0].pk: 2_000, wallets[1].pk: 1_500},
            own_amount=1_500,
            own_money="at_provider",
        )
    assert made.order is not None and made.order.amount == 5_000
    assert available(wallets[0]) == 0 and available(wallets[1]) == 0
    assert fresh(entry).status == W.ACCEPTED
