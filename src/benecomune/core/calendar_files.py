"""Calendar files (.ics, RFC 5545, built with `icalendar`) for anything with a time and a place:
a booking with a provider (bookings/services/booking_calendar.py), an appointment at a Welfare
Point (desk/services/appointment_calendar.py). The apps say what the event is; this module
writes the file, keeps it with the e-mail it goes with and serves it for download.

- `ics(event, method)`: a VCALENDAR with one VEVENT. The app gives the event a stable UID
  (`<kind>-<id>@benecomune`) and a SEQUENCE it bumps on every change (a move, a cancellation),
  so calendar programs replace the event they hold; METHOD REQUEST for an event to keep,
  CANCEL (STATUS CANCELLED) for a closed one. Times are UTC instants (DTSTART/DTEND with "Z"):
  no VTIMEZONE needed and no ambiguity on the nights the clocks change.
- `attach(model, message, event, method, **owner)`: the file written now with an e-mail of the
  outbox (a row of the app's subclass of `core.models.calendar.AbstractCalendarAttachment`);
  `register_attachments(model, ...)` makes the outbox attach it when the e-mail is sent, or
  sent again after a failure.
- `served(filename, content)`: the file for "Aggiungi al calendario", through core's
  `file_response` (never cached, an attachment).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from benecomune.core.files import ServedFile
from benecomune.core.notifications import register_attacher

REQUEST, CANCEL = "REQUEST", "CANCEL"
MIME = "text/calendar"
PRODID = "-//Bene Comune//Calendario//IT"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    start: datetime.datetime  # aware
    end: datetime.datetime
    summary: str
    location: str = ""
    description: str = ""
    organizer_name: str = ""  # shown for the platform's sender address
    attendee_email: str = ""
    attendee_name: str = ""


def ics(event: CalendarEvent, method: str = REQUEST) -> str:
    """The calendar file of `event` (method REQUEST or CANCEL)."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown calendar method {method!r}")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", timezone.now().astimezone(datetime.UTC).replace(microsecond=0))
    vevent.add("dtstart", event.start.astimezone(datetime.UTC))
    vevent.add("dtend", event.end.astimezone(datetime.UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    if event.organizer_name:
        organizer.params["cn"] = vText(event.organizer_name)
    vevent["organizer"] = organizer
    if event.attendee_email:
        attendee = vCalAddress(f"mailto:{event.attendee_email}")
        if event.attendee_name:
            attendee.params["cn"] = vText(event.attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        vevent.add("attendee", attendee, encode=0)
    calendar.add_component(vevent)
    return calendar.to_ical().decode("utf-8")


def mime_of(method: str) -> str:
    """The attachment's type, with the iTIP method calendar programs look for."""
    return f"{MIME}; charset=utf-8; method={method}"


# --- With an e-mail ------------------------------------------------------------------------------


def attach(model, message, event: CalendarEvent, method: str, **owner):
    """The file of `event` goes with `message` (an e-mail of the outbox, not sent yet): a row
    of `model` (the app's attachment table) with `owner` (its foreign key, e.g. booking=...).
    Nothing when there is no e-mail (the person has no address)."""
    if message is None:
        return None
    return model.objects.create(
        message=message,
        method=method,
        sequence=event.sequence,
        content=ics(event, method),
        **owner,
    )


_REGISTERED: dict[tuple[str, str], Callable] = {}


def register_attachments(
    model, *, key_prefix: str, filename: Callable, related: tuple[str, ...] = ()
) -> Callable:
    """Send the rows of `model` with their e-mails: for an outbox message whose template key
    starts with `key_prefix` (no query for any other e-mail), the file kept with it, named
    `filename(row)` (`related`: what that needs, fetched with the row)."""
    key = (model._meta.label, key_prefix)
    if key in _REGISTERED:
        return _REGISTERED[key]

    def attachments(message) -> list[tuple]:
        if not key_prefix or not message.template_key.startswith(key_prefix):
            return []
        row = model.objects.filter(message_id=message.pk).select_related(*related).first()
        if row is None:
            return []
        return [(filename(row), row.content, mime_of(row.method))]

    _REGISTERED[key] = attachments
    register_attacher(attachments)
    return attachments


# --- Download ----------------------------------------------------------------------------------


def served(filename: str, content: str) -> ServedFile:
    """The .ics for core's `file_response` (an attachment, never cached)."""
    return ServedFile(
        filename=filename,
        content_type=f"{MIME}; charset=utf-8",
        content=content.encode("utf-8"),
    )
