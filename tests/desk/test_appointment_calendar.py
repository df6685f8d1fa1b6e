"""Calendar files of appointments at a Welfare Point: the confirmation carries a REQUEST .ics
(stable UID, SEQUENCE 0, UTC times), a cancellation (by the person or by the Point) a CANCEL
with SEQUENCE 1 and the same UID, the reminder a REQUEST; the e-mail goes out with the file;
a person without an address gets no file and no error. "Aggiungi al calendario": the person
and the Point's operators download it (the operators' look is in the access log); anonymous
visitors are sent to log in; another person, another Point's operator or another tenant's get
404."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from benecomune.core import notifications
from benecomune.core.actors import Actor
from benecomune.core.models import Notification, Role
from benecomune.desk.models import Appointment, AppointmentCalendarAttachment
from benecomune.desk.services import appointments
from benecomune.identity.models import AccessLogEntry
from tests.desk.appointment_fixtures import *  # noqa: F403
from tests.desk.appointment_fixtures import local
from tests.helpers import login

pytestmark = pytest.mark.django_db

KIND = "desk-appointment-calendar"


def files(appointment) -> list[AppointmentCalendarAttachment]:
    return list(
        AppointmentCalendarAttachment.objects.filter(appointment=appointment)
        .select_related("message")
        .order_by("pk")
    )


def event_of(content: str):
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


@pytest.fixture
def booked(clock, open_point, citizen) -> Appointment:
    """Ada's appointment on Thursday 5 March 2026 at 9:00 in Rome (8:00 UTC)."""
    thursday = [
        s for s in appointments.available_slots(open_point) if "Thu 05/03" in local(s.start)
    ]
    return appointments.book(citizen, open_point, citizen.user.person, thursday[0].start)


def test_confirmation_carries_a_request_ics(booked, open_point):
    (attachment,) = files(booked)
    assert attachment.method == "REQUEST" and attachment.sequence == 0
    message = attachment.message
    assert message.to == "ada.bassi@example.org"
    assert message.template_key == "desk_appointment_booked"
    assert message.organization_id == open_point.organization_id
    calendar, event = event_of(attachment.content)
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["uid"]) == f"appuntamento-punto-{booked.pk}@benecomune"
    assert event.decoded("dtstart") == booked.starts_at
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(0)  # UTC
    assert "DTSTART:20260305T080000Z" in attachment.content  # 9:00 in Rome, winter time
    assert "DTEND:20260305T083000Z" in attachment.content
    assert int(event["sequence"]) == 0 and str(event["status"]) == "CONFIRMED"
    assert str(event["summary"]) == "Appuntamento al Punto di Piazzola"
    assert "Via Roma 1" in str(event["location"])
    assert str(event["attendee"]) == "mailto:ada.bassi@example.org"
    # The inbox has the message too (without a file).
    assert Notification.objects.filter(
        person=booked.person, subject="Appuntamento al Punto Welfare"
    ).exists()


def test_the_email_is_sent_with_the_file(booked):
    notifications.deliver(files(booked)[0].message.pk)
    (sent,) = [m for m in mail.outbox if m.to == ["ada.bassi@example.org"]]
    ((name, content, mime),) = sent.attachments
    assert name == f"appuntamento-punto-welfare-{booked.pk}.ics"
    assert mime.startswith("text/calendar") and "method=REQUEST" in mime
    assert str(event_of(content)[1]["uid"]) == f"appuntamento-punto-{booked.pk}@benecomune"


def test_the_persons_cancellation_sends_cancel_with_the_same_uid(booked, citizen):
    appointments.cancel(citizen, booked)
    first, cancelled = files(booked)
    assert cancelled.method == "CANCEL" and cancelled.sequence == 1
    assert cancelled.message.subject.endswith("Appuntamento annullato")
    calendar, event = event_of(cancelled.content)
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1
    assert str(event["uid"]) == str(event_of(first.content)[1]["uid"])
    assert event.decoded("dtstart") == booked.starts_at
    assert Appointment.objects_unscoped.get(pk=booked.pk).calendar_sequence == 1


def test_the_points_cancellation_sends_cancel(booked, manager):
    appointments.cancel(manager[0], booked, reason="Operatore in malattia")
    cancelled = files(booked)[-1]
    assert cancelled.method == "CANCEL" and cancelled.sequence == 1
    assert "annullato dal Punto Welfare" in cancelled.message.subject
    assert "Operatore in malattia" in cancelled.message.body
    notifications.deliver(cancelled.message.pk)
    (sent,) = [m for m in mail.outbox if "annullato" in m.subject]
    assert "method=CANCEL" in sent.attachments[0][2]


def test_the_reminder_carries_a_request(booked, clock, system_actor):
    clock(2.1)  # Wednesday 4 March, 11:24 in Rome
    assert appointments.remind_due(system_actor) == 1
    reminder = files(booked)[-1]
    assert reminder.message.template_key == "desk_appointment_reminder"
    assert reminder.method == "REQUEST" and reminder.sequence == 0
    assert "Promemoria" in reminder.message.subject
    assert event_of(reminder.content)[1].decoded("dtstart") == booked.starts_at


def test_a_person_without_an_address_gets_the_message_and_no_file(
    clock, open_point, make_person, make_user, municipality
):
    bruno = make_person(municipality, first_name="Bruno")
    actor = Actor(user=make_user("bruno@example.org", person=bruno))
    slot = appointments.available_slots(open_point)[0]
    appointment = appointments.book(actor, open_point, bruno, slot.start)
    assert files(appointment) == []
    assert Notification.objects.filter(person=bruno).count() == 1


# --- "Aggiungi al calendario" ------------------------------------------------------------------


def test_the_person_downloads_it_from_her_page(booked, citizen):
    page = login(Client(), citizen.user)
    url = reverse("core:my_file", args=[KIND, booked.pk])
    assert url in page.get(reverse("desk:my_appointments")).content.decode()
    response = page.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    assert f"appuntamento-punto-welfare-{booked.pk}.ics" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store, private"
    _calendar, event = event_of(response.content.decode())
    assert event.decoded("dtstart") == booked.starts_at
    # Once cancelled, the same link gives the CANCEL (it takes the event off her calendar).
    appointments.cancel(citizen, booked)
    calendar, _event = event_of(page.get(url).content.decode())
    assert str(calendar["method"]) == "CANCEL"


def test_the_points_operators_download_it(booked, manager):
    page = login(Client(), manager[1], manager[2])
    url = reverse("core:file", args=[KIND, booked.pk])
    agenda = page.get(f"{reverse('desk:appointments')}?punto={booked.point_id}")
    assert url in agenda.content.decode()
    response = page.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    # The file names the person: the Point's look at it is in the access log.
    entry = AccessLogEntry.objects_unscoped.get(view_name="core:file")
    assert (entry.person_id, entry.object_type) == (booked.person_id, "desk.appointment")
    assert entry.organization_id == booked.point.organization_id


def test_nobody_else_gets_it(
    booked, citizen, make_person, make_user, municipality, other_manager, make_operator, point
):
    mine = reverse("core:my_file", args=[KIND, booked.pk])
    staff = reverse("core:file", args=[KIND, booked.pk])
    anonymous = Client()
    for url in (mine, staff):
        response = anonymous.get(url)
        assert response.status_code == 302 and reverse("core:login") in response["Location"]
    someone = make_user("bruno@example.org", person=make_person(municipality, first_name="Bruno"))
    other_citizen = login(Client(), someone)
    assert other_citizen.get(mine).status_code == 404
    assert other_citizen.get(staff).status_code == 404
    other_tenant = login(Client(), other_manager[1], other_manager[2])  # Limena's Point
    assert other_tenant.get(staff).status_code == 404
    _a, user, membership = make_operator(
        "altro@piazzola.example.org", Role.WELFARE_DESK_STAFF, point, assign=False
    )
    not_at_this_point = login(Client(), user, membership)  # same Comune, not at the Point
    assert not_at_this_point.get(staff).status_code == 404
    owner = login(Client(), citizen.user)
    assert owner.get(staff).status_code == 404  # the staff door is for staff
    assert owner.get(reverse("core:my_file", args=[KIND, booked.pk + 1000])).status_code == 404
