"""Calendar files (.ics) of a booking, written by core's `calendar_files`: attached to the
booker's e-mails (confirmation, change, reminder) and served by "Aggiungi al calendario".

One event per booking with a stable UID (`prenotazione-<id>@benecomune`); SEQUENCE is the
booking's `calendar_sequence`, bumped on every change (a move, a cancellation) so calendar
programs replace the event they hold; METHOD REQUEST for an event to keep, CANCEL (STATUS
CANCELLED) for a closed one. Times are UTC instants (see core/calendar_files.py).
"""

from django.db.models import F
from django.urls import reverse

from benecomune.bookings.models import Booking, CalendarAttachment
from benecomune.bookings.models.bookings import ACTIVE_STATUSES
from benecomune.core import calendar_files
from benecomune.core.calendar_files import CANCEL, REQUEST, CalendarEvent
from benecomune.core.models.notifications import OutboxMessage


def uid_of(booking: Booking) -> str:
    return f"prenotazione-{booking.pk}@benecomune"


def filename_of(booking: Booking) -> str:
    return f"prenotazione-{booking.number}.ics"


def method_for(booking: Booking) -> str:
    return REQUEST if booking.status in (*ACTIVE_STATUSES, "completed") else CANCEL


def event_of(booking: Booking) -> CalendarEvent:
    provider = booking.provider
    return CalendarEvent(
        uid=uid_of(booking),
        sequence=booking.calendar_sequence,
        start=booking.starts_at,
        end=booking.ends_at,
        summary=booking.title,
        location=f"{provider.name}, {provider.address}" if provider.address else provider.name,
        description=(
            f"Prenotazione n. {booking.number} presso {provider.name}. "
            f"Dettagli in «Le mie prenotazioni»: "
            f"{reverse('bookings:my_booking', args=[booking.pk])}"
        ),
        organizer_name=provider.name,
        attendee_email=booking.booker.email,
        attendee_name=booking.booker.full_name,
    )


def ics(booking: Booking, method: str | None = None) -> str:
    """The calendar file of `booking` as it is now (method: REQUEST or CANCEL by status)."""
    return calendar_files.ics(event_of(booking), method or method_for(booking))


def attach(message: OutboxMessage | None, booking: Booking, method: str | None = None) -> None:
    """The booking's .ics goes with `message` (an e-mail of the outbox, not sent yet)."""
    calendar_files.attach(
        CalendarAttachment,
        message,
        event_of(booking),
        method or method_for(booking),
        booking=booking,
    )


def changed(booking: Booking) -> None:
    """A move or a cancellation: the next file replaces the event (SEQUENCE + 1); a moved
    booking gets its reminder again. Runs in the caller's transaction (row locked)."""
    Booking.objects_unscoped.filter(pk=booking.pk).update(
        calendar_sequence=F("calendar_sequence") + 1, reminder_sent_at=None
    )
    booking.calendar_sequence += 1
    booking.reminder_sent_at = None


calendar_files.register_attachments(
    CalendarAttachment,
    key_prefix="bookings_booking",
    filename=lambda row: filename_of(row.booking),
    related=("booking",),
)
