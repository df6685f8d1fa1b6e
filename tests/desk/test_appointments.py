"""Appointments at a Welfare Point: the admin sets the hours (bad input refused, nothing
changed); slots follow the hours, the notice, the window and summer time; a citizen books for
themselves, a full slot or a second appointment is refused in Italian; the Point's operator
books by codice fiscale, cancels with a reason, marks done; another Point's operator gets
404."""

import datetime

import pytest
from django.urls import reverse

from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent, Notification, Role
from benecomune.desk.models import Appointment, AppointmentHours, AppointmentStatus
from benecomune.desk.services import appointments
from benecomune.desk.services.appointments import HoursRange
from tests.desk.appointment_fixtures import *  # noqa: F403
from tests.desk.appointment_fixtures import T, local
from tests.helpers import login

pytestmark = pytest.mark.django_db


def test_slots_follow_hours_notice_and_window(clock, open_point):
    # Monday 2 March 2026, 09:00 in Rome: with 2 hours' notice the first slot is at 11:00.
    slots = appointments.available_slots(open_point)
    assert [local(s.start) for s in slots[:4]] == [
        "Mon 02/03 11:00",
        "Mon 02/03 11:30",
        "Thu 05/03 09:00",
        "Thu 05/03 09:30",
    ]
    assert local(slots[-1].start) == "Mon 30/03 11:30"  # the window ends on 1 April


def test_summer_time_day_has_no_missing_hour(clock, admin, point):
    point = appointments.set_appointments(
        admin,
        point,
        enabled=True,
        minutes=60,
        desks=1,
        notice_hours=0,
        window_days=30,
        hours=[HoursRange(6, T(1), T(5))],
    )
    sunday = [s for s in appointments.available_slots(point) if local(s.start).startswith("Sun 29")]
    # 02:00-03:00 does not exist on 29 March 2026; the 01:00 slot would cross it.
    assert [local(s.start) for s in sunday] == ["Sun 29/03 03:00", "Sun 29/03 04:00"]


def test_the_admin_sets_the_hours_and_bad_input_changes_nothing(
    clock, staff_client, municipality, other_municipality, point
):
    page, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    url = reverse("desk:point_appointments", args=[point.pk])
    form = {
        "enabled": "on",
        "minutes": "30",
        "desks": "2",
        "notice_hours": "2",
        "window_days": "30",
        "d0_0_opens": "12:00",
        "d0_0_closes": "09:00",
    }
    wrong = page.post(url, form)
    assert wrong.status_code == 400
    assert "ora di chiusura viene dopo" in wrong.content.decode()
    form.update({"d0_0_opens": "09:00", "d0_0_closes": "12:00", "d0_1_opens": "11:00"})
    half = page.post(url, form)
    assert half.status_code == 400 and "sia l&#x27;ora di apertura" in half.content.decode()
    form.update({"d0_1_closes": "13:00"})
    overlap = page.post(url, form)
    assert overlap.status_code == 400 and "si sovrappongono" in overlap.content.decode()
    assert not AppointmentHours.objects_unscoped.exists()
    point.refresh_from_db()
    assert not point.appointments_enabled

    form.update({"d0_1_opens": "15:00", "d0_1_closes": "17:00"})
    assert page.post(url, form).status_code == 302
    point.refresh_from_db()
    assert point.appointments_enabled and point.appointment_desks == 2
    assert [str(h) for h in AppointmentHours.objects_unscoped.all()] == [
        "lunedì 09:00-12:00",
        "lunedì 15:00-17:00",
    ]
    assert AuditEvent.objects_unscoped.filter(action="desk.appointments_set").count() == 1
    other, _u, _m = staff_client(Role.MUNICIPALITY_ADMIN, other_municipality)
    assert other.get(url).status_code == 404


def test_a_citizen_books_a_slot_and_cancels_it(
    clock, open_point, citizen, make_person, make_user, municipality, client
):
    page = login(client, citizen.user)
    listing = page.get(reverse("desk:directory")).content.decode()
    url = reverse("desk:book_appointment", args=[open_point.pk])
    assert url in listing
    first = appointments.available_slots(open_point)[0]
    response = page.post(url, {"slot": first.start.isoformat(), "topic": "Assistenza a casa"})
    assert response["Location"] == reverse("desk:my_appointments")
    appointment = Appointment.objects_unscoped.get()
    assert (appointment.person, appointment.starts_at, appointment.on_behalf) == (
        citizen.user.person,
        first.start,
        False,
    )
    assert Notification.objects.filter(subject="Appuntamento al Punto Welfare").exists()
    mine = page.get(reverse("desk:my_appointments")).content.decode()
    assert "Assistenza a casa" in mine and open_point.name in mine

    # The slot is gone for others; the same person cannot take a second one.
    assert first.start not in [s.start for s in appointments.available_slots(open_point)]
    second = appointments.available_slots(open_point)[0]
    again = page.post(url, {"slot": second.start.isoformat()})
    assert again.status_code == 400 and "ha già un appuntamento" in again.content.decode()
    other = Actor(
        user=make_user("bruno@example.org", person=make_person(municipality, first_name="Bruno"))
    )
    with pytest.raises(Exception, match="appena occupato"):
        appointments.book(other, open_point, other.user.person, first.start)
    past = first.start - datetime.timedelta(days=1)
    with pytest.raises(Exception, match="già passato"):
        appointments.book(other, open_point, other.user.person, past)
    odd = first.start + datetime.timedelta(minutes=10)
    with pytest.raises(Exception, match="non è tra quelli prenotabili"):
        appointments.book(other, open_point, other.user.person, odd)
    with pytest.raises(Exception, match="solo per sé"):
        appointments.book(other, open_point, citizen.user.person, second.start)

    page.post(reverse("desk:my_appointment_cancel", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert first.start in [s.start for s in appointments.available_slots(open_point)]
    assert Appointment.objects_unscoped.count() == 1


def test_the_operator_books_by_fiscal_code_cancels_and_closes(
    clock, open_point, elder, manager, other_manager, operator_client
):
    page = operator_client(manager)
    url = reverse("desk:appointments")
    slots = appointments.available_slots(open_point)
    unknown = page.post(
        url, {"fiscal_code": "RSSMRA80A01H501U", "slot": slots[0].start.isoformat()}
    )
    assert unknown.status_code == 400 and "Nessuna persona" in unknown.content.decode()
    response = page.post(
        url, {"fiscal_code": elder.fiscal_code.lower(), "slot": slots[0].start.isoformat()}
    )
    assert response.status_code == 302
    appointment = Appointment.objects_unscoped.get()
    assert appointment.on_behalf and appointment.booked_by == manager[1]
    event = AuditEvent.objects_unscoped.get(action="desk.appointment_booked")
    assert elder.fiscal_code in event.reason
    agenda = page.get(url).content.decode()
    assert elder.full_name in agenda

    action = reverse("desk:appointment_action", args=[appointment.pk, "svolto"])
    assert "non è ancora iniziato" in page.post(action, follow=True).content.decode()
    cancel = reverse("desk:appointment_action", args=[appointment.pk, "annulla"])
    assert "Indichi il motivo" in page.post(cancel, {"reason": ""}, follow=True).content.decode()
    clock(0.1)  # 2 March, 11:24 in Rome: the 11:00 appointment has started
    page.post(action)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
    assert AuditEvent.objects_unscoped.filter(action="desk.appointment_closed").exists()
    # (the test client is now another Point's operator)
    assert operator_client(other_manager).post(cancel, {"reason": "x"}).status_code == 404
    assert operator_client(other_manager).get(f"{url}?punto={open_point.pk}").status_code == 404


def test_a_reminder_the_day_before_once(clock, open_point, citizen, system_actor):
    thursday = [
        s for s in appointments.available_slots(open_point) if "Thu 05/03" in local(s.start)
    ]
    appointment = appointments.book(citizen, open_point, citizen.user.person, thursday[0].start)
    assert appointments.remind_due(system_actor) == 0  # Monday: three days ahead
    clock(2.1)  # Wednesday 4 March, 11:24 in Rome: less than a day before 9:00 on Thursday
    assert appointments.remind_due(system_actor) == 1
    assert appointments.remind_due(system_actor) == 0  # once
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is not None
    assert Notification.objects.filter(
        subject="Promemoria: appuntamento al Punto Welfare", body__contains="05/03/2026 alle 09:00"
    ).exists()


def test_from_the_case_the_agenda_has_the_persons_code(
    clock, open_point, case, manager, operator_client
):
    page = operator_client(manager)
    detail = page.get(reverse("desk:case", args=[case.pk])).content.decode()
    link = f"{reverse('desk:appointments')}?punto={open_point.pk}&amp;cf={case.person.fiscal_code}"
    assert link in detail
    agenda = page.get(link.replace("&amp;", "&")).content.decode()
    assert f'value="{case.person.fiscal_code}"' in agenda


def test_the_audit_page_tells_the_hours_and_the_time_in_italian(
    clock, open_point, citizen, staff_client, municipality
):
    """The settings' keys by name, weekdays by name, the booked time as local Rome time."""
    first = appointments.available_slots(open_point)[0]
    appointments.book(citizen, open_point, citizen.user.person, first.start)
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    page = client.get(reverse("core:audit")).content.decode()
    assert "preavviso in ore: 2" in page
    assert "prenotabile fino a giorni: 30" in page
    assert "orari: lunedì 09:00-12:00, giovedì 09:00-12:00" in page
    assert "2 marzo 2026, 11:00" in page  # 10:00 UTC
    for code in ("notice hours", "window days", "0 09:00", first.start.isoformat(), "T10:00"):
        assert code not in page, code
