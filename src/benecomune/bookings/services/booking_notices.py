"""What the bookings tell people (core notifications, written in the caller's transaction and
sent after commit): the booker of their booking made, confirmed or closed without them; the
provider of a booking made or cancelled (number, service and time, never the citizen's name).

Hook for later work: reminders and .ics attachments hang on `booking_made` / `booking_moved`
(one place each; nothing here sends them yet).
"""

from django.urls import reverse
from django.utils.formats import date_format

from benecomune.bookings.models import Booking
from benecomune.bookings.slots import ROME
from benecomune.core.notifications import EMAIL, INAPP, notify
from benecomune.marketplace.services.threads import provider_address


def _context(booking: Booking, closed: bool = False) -> dict:
    return {
        "number": booking.number,
        "title": booking.title,
        "when": date_format(booking.starts_at.astimezone(ROME), "l j F Y, H:i"),
        "status": booking.get_status_display(),
        "closed": closed,
    }


def to_citizen(booking: Booking, closed: bool = False) -> None:
    notify(
        booking.booker,
        "bookings_booking_to_citizen",
        _context(booking, closed),
        organization=booking.provider,
        channels=(INAPP, EMAIL),
        link=reverse("bookings:my_booking", args=[booking.pk]),
    )


def to_provider(booking: Booking) -> None:
    notify(
        provider_address(booking.provider),
        "bookings_booking_to_provider",
        _context(booking),
        organization=booking.provider,
        channels=(EMAIL,),
    )


def booking_made(booking: Booking) -> None:
    to_citizen(booking)
    to_provider(booking)


def booking_moved(booking: Booking) -> None:
    """Rescheduled: both sides are told the new time."""
    to_citizen(booking)
    to_provider(booking)
