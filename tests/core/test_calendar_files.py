"""core.calendar_files, the .ics writer shared by bookings and Welfare Point appointments: one
VEVENT with the given UID and SEQUENCE, UTC times whatever the zone given (summer time
included), REQUEST confirmed / CANCEL cancelled, optional parts left out when empty; an
app's attachments registered once however often its module asks."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from benecomune.core import calendar_files
from benecomune.core.calendar_files import CANCEL, REQUEST, CalendarEvent
from benecomune.core.notifications import _ATTACHERS

ROME = ZoneInfo("Europe/Rome")


def event(**over) -> CalendarEvent:
    values = {
        "uid": "prova-7@benecomune",
        "sequence": 2,
        # Sunday 29 March 2026, the night the clocks go forward: 10:00 in Rome is 08:00 UTC.
        "start": datetime.datetime(2026, 3, 29, 10, 0, tzinfo=ROME),
        "end": datetime.datetime(2026, 3, 29, 10, 30, tzinfo=ROME),
        "summary": "Appuntamento",
    }
    values.update(over)
    return CalendarEvent(**values)


def parsed(text: str):
    calendar = Calendar.from_ical(text)
    (vevent,) = calendar.walk("VEVENT")
    return calendar, vevent


def test_request_in_utc_with_uid_and_sequence():
    text = calendar_files.ics(
        event(location="Via Roma 1", description="Dettagli", attendee_email="a@example.org")
    )
    calendar, vevent = parsed(text)
    assert str(calendar["method"]) == REQUEST and str(calendar["version"]) == "2.0"
    assert str(vevent["uid"]) == "prova-7@benecomune" and int(vevent["sequence"]) == 2
    assert str(vevent["status"]) == "CONFIRMED"
    assert "DTSTART:20260329T080000Z" in text and "DTEND:20260329T083000Z" in text
    assert "VTIMEZONE" not in text
    assert str(vevent["location"]) == "Via Roma 1" and str(vevent["description"]) == "Dettagli"
    assert str(vevent["attendee"]) == "mailto:a@example.org"


def test_cancel_and_the_parts_left_out():
    text = calendar_files.ics(event(), CANCEL)
    calendar, vevent = parsed(text)
    assert str(calendar["method"]) == CANCEL and str(vevent["status"]) == "CANCELLED"
    assert "ATTENDEE" not in text and "LOCATION" not in text and "DESCRIPTION" not in text
    with pytest.raises(ValueError):
        calendar_files.ics(event(), "PUBLISH")
    assert calendar_files.mime_of(CANCEL) == "text/calendar; charset=utf-8; method=CANCEL"


def test_served_is_an_attachment_of_text_calendar():
    served = calendar_files.served("a.ics", calendar_files.ics(event()))
    assert served.content_type == "text/calendar; charset=utf-8" and not served.inline
    assert served.content.startswith(b"BEGIN:VCALENDAR")


def test_an_apps_attachments_are_registered_once():
    from benecomune.bookings.models import CalendarAttachment
    from benecomune.desk.models import AppointmentCalendarAttachment

    before = len(_ATTACHERS)
    again = calendar_files.register_attachments(
        CalendarAttachment, key_prefix="bookings_booking", filename=str
    )
    assert len(_ATTACHERS) == before and again in _ATTACHERS
    desk = calendar_files.register_attachments(
        AppointmentCalendarAttachment, key_prefix="desk_appointment", filename=str
    )
    assert desk in _ATTACHERS and len(_ATTACHERS) == before
