"""Calendar files (.ics, RFC 5545, built with `icalendar`) of a booking: attached to the
booker's e-mails (confirmation, change, reminder) and served by "Aggiungi al calendario".

One event per booking with a stable UID (`prenotazione-<id>@benecomune`); SEQUENCE is the
booking's `calendar_sequence`, bumped on every change (a move, a cancellation) so calendar
programs replace the event they hold; METHOD REQUEST for an event to keep, CANCEL (STATUS
CANCELLED) for a closed one. Times are UTC instants (DTSTART/DTEND with "Z"): no VTIMEZONE
needed and no ambiguity on the nights the clocks change.
"""

import datetime

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from benecomune.bookings.models import Booking, CalendarAttachment
from benecomune.bookings.models.bookings import ACTIVE_STATUSES
from benecomune.core.models.notifications import OutboxMessage
from benecomune.core.notifications import register_attacher

REQUEST, CANCEL = "REQUEST", "CANCEL"
MIME = "text/calendar"
PRODID = "-//Bene Comune//Prenotazioni//IT"


def uid_of(booking: Booking) -> str:
    return f"prenotazione-{booking.pk}@benecomune"


def filename_of(booking: Booking) -> str:
    return f"prenotazione-{booking.number}.ics"


def method_for(booking: Booking) -> str:
    return REQUEST if booking.status in (*ACTIVE_STATUSES, "completed") else CANCEL


def ics(booking: Booking, method: str | None = None) -> str:
    """The calendar file of `booking` as it is now (method: REQUEST or CANCEL by status)."""
    method = method or method_for(booking)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", uid_of(booking))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC).replace(microsecond=0))
    event.add("dtstart", booking.starts_at.astimezone(datetime.UTC))
    event.add("dtend", booking.ends_at.astimezone(datetime.UTC))
    event.add("sequence", booking.calendar_sequence)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("summary", booking.title)
    provider = booking.provider
    if provider.address:
        event.add("location", f"{provider.name}, {provider.address}")
    else:
        event.add("location", provider.name)
    event.add(
        "description",
        f"Prenotazione n. {booking.number} presso {provider.name}. "
        f"Dettagli in «Le mie prenotazioni»: {reverse('bookings:my_booking', args=[booking.pk])}",
    )
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(provider.name)
    event["organizer"] = organizer
    if booking.booker.email:
        attendee = vCalAddress(f"mailto:{booking.booker.email}")
        attendee.params["cn"] = vText(booking.booker.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def attach(message: OutboxMessage | None, booking: Booking, method: str | None = None) -> None:
    """The booking's .ics goes with `message` (an e-mail of the outbox, not sent yet)."""
    if message is None:
        return
    method = method or method_for(booking)
    CalendarAttachment.objects.create(
        message=message,
        booking=booking,
        method=method,
        sequence=booking.calendar_sequence,
        content=ics(booking, method),
    )


def changed(booking: Booking) -> None:
    """A move or a cancellation: the next file replaces the event (SEQUENCE + 1); a moved
    booking gets its reminder again. Runs in the caller's transaction (row locked)."""
    Booking.objects_unscoped.filter(pk=booking.pk).update(
        calendar_sequence=F("calendar_sequence") + 1, reminder_sent_at=None
    )
    booking.calendar_sequence += 1
    booking.reminder_sent_at = None


def _attachments(message: OutboxMessage) -> list[tuple]:
    if not message.template_key.startswith("bookings_booking"):
        return []  # no query for every other e-mail
    row = CalendarAttachment.objects.filter(message_id=message.pk).select_related("booking")
    row = row.first()
    if row is None:
        return []
    mime = f"{MIME}; charset=utf-8; method={row.method}"
    return [(filename_of(row.booking), row.content, mime)]


register_attacher(_attachments)
