"""A member taken out of a household from the registry's page: what the booker made for them
before stays (a booking for the former member keeps its person and booker), what needs the
household from now on is refused in Italian (a new booking for them, a waiting-list place
offered to them on the former housemate's entry)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from benecomune.bookings.models import Booking, BookingStatus
from benecomune.bookings.models import WaitlistStatus as W
from benecomune.bookings.services import booking_moves, waitlist
from benecomune.core.models import HouseholdMember, Role
from benecomune.core.scoping import all_tenants
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book
from tests.bookings.waitlist_fixtures import *  # noqa: F403
from tests.bookings.waitlist_fixtures import join, one_seat

pytestmark = pytest.mark.django_db


def test_bookings_after_a_member_is_taken_out(
    clock, staff_client, citizen, buyer, family, free_service, seller, municipality
):
    child = family
    _provider, owner, _service = seller
    one_seat(free_service, owner)
    own = book(citizen, free_service, buyer)  # the buyer's own seat: the first turn is full
    for_child = book(citizen, free_service, buyer, person=child, slot=1)
    entry = join(citizen, free_service, buyer, person=child, at=own.starts_at)

    desk, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    response = desk.post(
        reverse("core:member_remove", args=[child.pk]),
        {"reason": "Trasferito dal padre", "confirmed": "on"},
    )
    assert response.status_code == 302
    assert not HouseholdMember.objects.filter(person=child).exists()

    with all_tenants():
        kept = Booking.objects_unscoped.get(pk=for_child.pk)
        assert kept.status == BookingStatus.CONFIRMED
        assert (kept.person_id, kept.booker_id) == (child.pk, buyer.pk)
        with pytest.raises(ValidationError, match="componente del proprio nucleo"):
            book(citizen, free_service, buyer, person=child, slot=2)
        # The buyer's seat freed: the place is offered on the entry, accepting it is refused.
        booking_moves.cancel_by_citizen(citizen, own)
        entry.refresh_from_db()
        assert entry.status == W.OFFERED
        with pytest.raises(ValidationError, match="componente del proprio nucleo"):
            waitlist.accept(citizen, entry)
        entry.refresh_from_db()
        assert entry.status == W.OFFERED and entry.booking_id is None
