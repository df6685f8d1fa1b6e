"""What the bookings tell people (core notifications, written in the caller's transaction and
sent after commit): the booker of their booking made, confirmed, moved or closed, and of the
coming appointment (the reminder); the provider of a booking made, moved or cancelled (number,
service and time, never the citizen's name).

The booker's e-mails carry the booking's calendar file (`booking_calendar`): REQUEST for a
confirmed booking (its confirmation, a move, the reminder), CANCEL for a closed one; a booking
still waiting for the provider or for its payment gets none yet. A move or a cancellation bumps
the file's SEQUENCE first (`booking_calendar.changed`).
"""

from django.urls import reverse
from django.utils.formats import date_format

from benecomune.bookings.models import Booking, BookingStatus
from benecomune.bookings.services import booking_calendar
from benecomune.bookings.slots import ROME
from benecomune.core.notifications import EMAIL, INAPP, notify
from benecomune.marketplace.services.threads import provider_address


def _context(booking: Booking, closed: bool = False, moved: bool = False) -> dict:
    return {
        "number": booking.number,
        "title": booking.title,
        "when": date_format(booking.starts_at.astimezone(ROME), "l j F Y, H:i"),
        "status": booking.get_status_display(),
        "closed": closed,
        "moved": moved,
        "provider": booking.provider.name,
    }


def _to_booker(booking: Booking, key: str, context: dict, *, calendar: bool) -> None:
    link = reverse("bookings:my_booking", args=[booking.pk])
    notify(
        booking.booker, key, context, organization=booking.provider, channels=(INAPP,), link=link
    )
    mail = notify(booking.booker, key, context, organization=booking.provider, channels=(EMAIL,))
    if calendar:
        booking_calendar.attach(mail, booking)


def to_citizen(booking: Booking, closed: bool = False, moved: bool = False) -> None:
    if closed and booking.confirmed_at is not None:
        booking_calendar.changed(booking)  # the event they may hold is cancelled
    calendar = booking.status == BookingStatus.CONFIRMED or (
        closed and booking.confirmed_at is not None
    )
    _to_booker(
        booking, "bookings_booking_to_citizen", _context(booking, closed, moved), calendar=calendar
    )


def reminder(booking: Booking) -> None:
    _to_booker(booking, "bookings_booking_reminder", _context(booking), calendar=True)


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
    """Rescheduled: both sides are told the new time; the calendar event is replaced."""
    booking_calendar.changed(booking)
    to_citizen(booking, moved=True)
    to_provider(booking)
