"""Messages and calendar files of a booking: confirmation (REQUEST, SEQUENCE 0), a move
(REQUEST, SEQUENCE 1, reminder mark cleared), a cancellation (CANCEL, SEQUENCE bumped), a
booking waiting for review gets no file; the .ics parsed back (UID stable, UTC times); the
e-mail sent with the file attached; reminders due by the service's hours, sent once, never
for a cancelled booking; "Aggiungi al calendario" for the booker only."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from benecomune.bookings.models import Booking, BookingStatus, CalendarAttachment
from benecomune.bookings.services import booking_moves, booking_reminders
from benecomune.core import notifications
from benecomune.core.models import AuditEvent, Notification
from benecomune.core.models.notifications import OutboxMessage
from benecomune.core.scoping import all_tenants
from tests.bookings.agenda_fixtures import set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book, free_slots
from tests.bookings.waitlist_fixtures import *  # noqa: F403
from tests.bookings.waitlist_fixtures import CONSENT

HOUR = datetime.timedelta(hours=1)


def files(booking) -> list[CalendarAttachment]:
    return list(CalendarAttachment.objects.filter(booking=booking).order_by("pk"))


def event_of(content: str):
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def anna(waiters):
    return waiters[0]


@pytest.fixture
def made(desk, free_service, anna):
    return book(desk, free_service, anna, consent_note=CONSENT)


def test_confirmation_carries_a_request_ics(made, anna):
    (attachment,) = files(made)
    assert attachment.method == "REQUEST" and attachment.sequence == 0
    assert attachment.message.to == "anna@example.org"
    calendar, event = event_of(attachment.content)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"prenotazione-{made.pk}@benecomune"
    assert event.decoded("dtstart") == made.starts_at
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(0)  # UTC
    assert event.decoded("dtend") == made.ends_at
    assert int(event["sequence"]) == 0 and str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == "Sportello di ascolto"
    assert Notification.objects.filter(person=anna, link__contains=str(made.pk)).exists()


def test_the_email_is_sent_with_the_file(made):
    message = files(made)[0].message
    notifications.deliver(message.pk)
    (sent,) = [m for m in mail.outbox if m.to == ["anna@example.org"]]
    ((name, content, mime),) = sent.attachments
    assert name == f"prenotazione-{made.number}.ics"
    assert mime.startswith("text/calendar") and "method=REQUEST" in mime
    assert event_of(content)[1]["uid"] == f"prenotazione-{made.pk}@benecomune"


def test_move_bumps_the_sequence_and_keeps_the_uid(desk, made, free_service):
    day, time, slot = free_slots(free_service, 2)[1]
    with all_tenants():
        booking_moves.reschedule(desk, made, day=day, time=time, consent_note=CONSENT)
    first, moved = files(made)
    assert moved.method == "REQUEST" and moved.sequence == 1
    _calendar, event = event_of(moved.content)
    assert int(event["sequence"]) == 1 and event.decoded("dtstart") == slot.start
    assert str(event["uid"]) == str(event_of(first.content)[1]["uid"])
    assert "spostata" in moved.message.subject


def test_cancel_sends_a_cancel_ics(desk, made):
    with all_tenants():
        booking_moves.cancel_by_citizen(desk, made, consent_note=CONSENT)
    cancelled = files(made)[-1]
    calendar, event = event_of(cancelled.content)
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1 == cancelled.sequence
    assert Booking.objects_unscoped.get(pk=made.pk).calendar_sequence == 1


def test_provider_cancel_also_sends_cancel(seller, made):
    _provider, owner, _service = seller
    with all_tenants():
        booking_moves.cancel_by_provider(owner, made, reason="Sala allagata")
    assert files(made)[-1].method == "CANCEL"


def test_booking_waiting_for_review_gets_no_file_until_confirmed(desk, seller, free_service, anna):
    _provider, owner, _service = seller
    with all_tenants():
        resources = list(free_service.schedule.resources.all())
    set_rules(owner, free_service, resources, capacity=3, needs_review=True)
    booking = book(desk, free_service, anna, consent_note=CONSENT)
    assert booking.status == BookingStatus.REQUESTED and files(booking) == []
    with all_tenants():
        booking_moves.confirm(owner, booking)
    assert [f.method for f in files(booking)] == ["REQUEST"]


# --- reminders ---------------------------------------------------------------------------------


def reminders_of(booking) -> list:
    return list(
        OutboxMessage.objects_unscoped.filter(
            template_key="bookings_booking_reminder", person=booking.booker
        )
    )


def test_reminder_sent_once_when_due(made):
    early = made.starts_at - 25 * HOUR
    assert booking_reminders.send_due(now=early) == 0
    at = made.starts_at - 24 * HOUR
    assert booking_reminders.send_due(now=at) == 1
    assert booking_reminders.send_due(now=at + HOUR) == 0  # no double reminder
    assert booking_reminders.send_one(made.pk, now=at) == 0
    (message,) = reminders_of(made)
    assert "Promemoria" in message.subject
    attachment = CalendarAttachment.objects.get(message=message)
    assert attachment.method == "REQUEST" and attachment.sequence == 0
    made.refresh_from_db()
    assert made.reminder_sent_at == at
    assert AuditEvent.objects_unscoped.filter(
        action="bookings.booking_reminder_sent", object_id=str(made.pk)
    ).exists()


def test_reminder_hours_per_service(seller, free_service, desk, anna):
    _provider, owner, _service = seller
    with all_tenants():
        resources = list(free_service.schedule.resources.all())
    set_rules(owner, free_service, resources, capacity=3, reminder_hours=2)
    booking = book(desk, free_service, anna, consent_note=CONSENT)
    assert booking_reminders.send_due(now=booking.starts_at - 3 * HOUR) == 0
    assert booking_reminders.send_due(now=booking.starts_at - 2 * HOUR) == 1
    set_rules(owner, free_service, resources, capacity=3, reminder_hours=0)
    other = book(desk, free_service, anna, consent_note=CONSENT, slot=1)
    assert booking_reminders.send_due(now=other.starts_at - HOUR) == 0  # 0: none


def test_cancelled_booking_gets_no_reminder(desk, made):
    with all_tenants():
        booking_moves.cancel_by_citizen(desk, made, consent_note=CONSENT)
    assert booking_reminders.send_due(now=made.starts_at - HOUR) == 0
    assert reminders_of(made) == []


def test_moved_booking_is_reminded_again(desk, made, free_service):
    booking_reminders.send_due(now=made.starts_at - HOUR)
    day, time, slot = free_slots(free_service, 2)[1]
    with all_tenants():
        booking_moves.reschedule(desk, made, day=day, time=time, consent_note=CONSENT)
    assert booking_reminders.send_due(now=slot.start - HOUR) == 1
    assert len(reminders_of(made)) == 2


# --- "Aggiungi al calendario" ------------------------------------------------------------------


def test_download_for_the_booker_only(client, make_user, made, anna, buyer_user):
    url = reverse("bookings:my_booking_ics", args=[made.pk])
    client.force_login(make_user("anna.login@example.org", person=anna))
    page = client.get(reverse("bookings:my_booking", args=[made.pk]))
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    _calendar, event = event_of(response.content.decode())
    assert event.decoded("dtstart") == made.starts_at
    client.force_login(buyer_user)
    assert client.get(url).status_code == 404
