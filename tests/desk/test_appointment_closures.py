"""Closures of a Point's appointments (holidays, a closed afternoon): a closed day and closed
hours take their slots away (on the night the clocks change too) and give them back when
removed; booking into a closure is refused in Italian, naming the closure, and changes
nothing; a closure over appointments already booked cancels none of them but lists them to
the staff; bad input changes nothing; the page is the Point's staff's (its operators and its
admin), another Point's operator or another tenant get 404; every change is audited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from benecomune.core.models import AuditEvent, Notification, Role
from benecomune.core.models.notifications import OutboxMessage
from benecomune.desk.models import Appointment, AppointmentClosure, AppointmentStatus
from benecomune.desk.services import appointments
from benecomune.desk.services.appointments import HoursRange
from tests.desk.appointment_fixtures import *  # noqa: F403
from tests.desk.appointment_fixtures import T, local
from tests.helpers import login

pytestmark = pytest.mark.django_db

D = datetime.date
THURSDAY = D(2026, 3, 5)
NEXT_MONDAY = D(2026, 3, 9)


def starts_on(point, day: str) -> list[str]:
    """The local starts offered on a day given as "Thu 05/03"."""
    return [
        local(s.start)[-5:]
        for s in appointments.available_slots(point)
        if local(s.start).startswith(day)
    ]


def closures_url(point) -> str:
    return reverse("desk:point_closures", args=[point.pk])


def test_a_closed_day_takes_its_slots_away_and_gives_them_back(clock, open_point, manager):
    six = ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert starts_on(open_point, "Thu 05/03") == six
    closure, affected = appointments.add_closure(
        manager[0], open_point, first_day=THURSDAY, reason="Festa patronale"
    )
    assert affected == [] and closure.all_day and closure.last_day == THURSDAY
    assert starts_on(open_point, "Thu 05/03") == []
    assert len(starts_on(open_point, "Mon 09/03")) == 6  # the days around are untouched
    event = AuditEvent.objects_unscoped.get(action="desk.appointment_closure_added")
    assert event.after["first_day"] == "2026-03-05" and event.after["reason"] == "Festa patronale"
    appointments.remove_closure(manager[0], closure)
    assert starts_on(open_point, "Thu 05/03") == six
    assert AuditEvent.objects_unscoped.filter(action="desk.appointment_closure_removed").exists()
    assert not AppointmentClosure.objects_unscoped.exists()


def test_closed_hours_take_only_the_slots_they_touch(clock, open_point, manager):
    staff = manager[0]
    appointments.add_closure(
        staff,
        open_point,
        first_day=NEXT_MONDAY,
        starts_at=T(10, 15),
        ends_at=T(10, 45),
        reason="Riunione",
    )
    # 10:00-10:30 and 10:30-11:00 overlap the meeting; the others stay.
    assert starts_on(open_point, "Mon 09/03") == ["09:00", "09:30", "11:00", "11:30"]
    # An afternoon and a morning on a range of days: "dalle" alone, "alle" alone.
    appointments.add_closure(
        staff,
        open_point,
        first_day=D(2026, 3, 12),
        last_day=D(2026, 3, 19),
        starts_at=T(11),
        reason="Sportello itinerante",
    )
    assert starts_on(open_point, "Thu 12/03") == ["09:00", "09:30", "10:00", "10:30"]
    assert starts_on(open_point, "Mon 16/03") == ["09:00", "09:30", "10:00", "10:30"]
    assert starts_on(open_point, "Thu 19/03") == ["09:00", "09:30", "10:00", "10:30"]
    assert len(starts_on(open_point, "Mon 23/03")) == 6
    appointments.add_closure(
        staff, open_point, first_day=D(2026, 3, 23), ends_at=T(10), reason="Formazione"
    )
    assert starts_on(open_point, "Mon 23/03") == ["10:00", "10:30", "11:00", "11:30"]


def test_closures_on_the_night_the_clocks_go_forward(clock, admin, point, manager):
    """Sunday 29 March 2026: 02:00-03:00 does not exist. The Point receives on Sundays from
    1:00 to 5:00 (one-hour slots: 03:00 and 04:00 that day, 01:00 would cross the gap)."""
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
    assert starts_on(point, "Sun 29/03") == ["03:00", "04:00"]
    assert starts_on(point, "Sun 22/03") == ["01:00", "02:00", "03:00", "04:00"]
    # "Until 04:00": from midnight (winter time) to 04:00 (summer time).
    until_four, _ = appointments.add_closure(
        manager[0],
        point,
        first_day=D(2026, 3, 22),
        last_day=D(2026, 3, 29),
        ends_at=T(4),
        reason="Lavori",
    )
    assert starts_on(point, "Sun 29/03") == ["04:00"]
    assert starts_on(point, "Sun 22/03") == ["04:00"]
    appointments.remove_closure(manager[0], until_four)
    # "From 02:30", a time that does not exist that night: closed from 03:00, when it ends.
    appointments.add_closure(
        manager[0], point, first_day=D(2026, 3, 29), starts_at=T(2, 30), reason="Lavori"
    )
    assert starts_on(point, "Sun 29/03") == []
    assert starts_on(point, "Sun 22/03") == ["01:00", "02:00", "03:00", "04:00"]
    # A whole closed day works on that night as on any other.
    AppointmentClosure.objects_unscoped.all().delete()
    appointments.add_closure(manager[0], point, first_day=D(2026, 3, 29), reason="Festa")
    assert starts_on(point, "Sun 29/03") == []


def test_booking_into_a_closure_is_refused_and_changes_nothing(clock, open_point, citizen, manager):
    slot = appointments.available_slots(open_point)[2]  # Thursday 5 March, 9:00
    assert local(slot.start) == "Thu 05/03 09:00"
    appointments.add_closure(manager[0], open_point, first_day=THURSDAY, reason="Festa patronale")
    outbox = OutboxMessage.objects_unscoped.count()
    with pytest.raises(ValidationError) as refused:
        appointments.book(citizen, open_point, citizen.user.person, slot.start)
    assert refused.value.messages == [
        "Il Punto è chiuso il 05/03/2026, tutto il giorno (Festa patronale): scelga un altro "
        "orario dall'elenco."
    ]
    assert not Appointment.objects_unscoped.exists()
    assert not AuditEvent.objects_unscoped.filter(action="desk.appointment_booked").exists()
    assert not Notification.objects.filter(person=citizen.user.person).exists()
    assert OutboxMessage.objects_unscoped.count() == outbox
    # From the page (a slot shown before the closure was added): the same reason, not "taken".
    page = login(Client(), citizen.user)
    response = page.post(
        reverse("desk:book_appointment", args=[open_point.pk]), {"slot": slot.start.isoformat()}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Il Punto è chiuso il 05/03/2026" in body and "Festa patronale" in body
    assert not Appointment.objects_unscoped.exists()


def test_the_citizen_sees_the_closures_when_booking(clock, open_point, citizen, manager):
    appointments.add_closure(manager[0], open_point, first_day=THURSDAY, reason="Festa patronale")
    page = login(Client(), citizen.user)
    body = page.get(reverse("desk:book_appointment", args=[open_point.pk])).content.decode()
    assert "il 05/03/2026, tutto il giorno — Festa patronale" in body


def test_a_closure_over_booked_appointments_cancels_none_and_lists_them(
    clock, open_point, citizen, manager
):
    slot = appointments.available_slots(open_point)[2]  # Thursday 5 March, 9:00
    booked = appointments.book(citizen, open_point, citizen.user.person, slot.start)
    page = login(Client(), manager[1], manager[2])
    response = page.post(
        closures_url(open_point),
        {"first_day": "2026-03-05", "reason": "Sciopero"},
        follow=True,
    )
    body = response.content.decode()
    assert "Chiusura registrata" in body
    assert "In questa chiusura c&#x27;è già 1 appuntamento prenotato" in body
    assert "Ada Bassi (05/03/2026 09:00)" in body
    assert 'data-testid="closure-affected"' in body
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED  # not cancelled silently
    event = AuditEvent.objects_unscoped.get(action="desk.appointment_closure_added")
    assert event.after["booked_in_it"] == [booked.pk]
    agenda = page.get(f"{reverse('desk:appointments')}?punto={open_point.pk}").content.decode()
    assert 'data-testid="in-closure"' in agenda and "Sciopero" in agenda
    # The staff's choice: the usual cancellation, with its reason; then it is no longer listed.
    cancel = reverse("desk:appointment_action", args=[booked.pk, "annulla"])
    page.post(cancel, {"reason": "Sciopero del personale"})
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CANCELLED
    listing = page.get(closures_url(open_point)).content.decode()
    assert 'data-testid="closure-affected"' not in listing


def test_bad_input_changes_nothing(clock, open_point, manager):
    page = login(Client(), manager[1], manager[2])
    url = closures_url(open_point)
    cases = [
        ({"first_day": "2026-03-10", "last_day": "2026-03-09"}, "non può venire prima"),
        ({"first_day": "2026-02-20", "last_day": "2026-02-27"}, "già trascorsa"),
        ({"first_day": "2026-03-09", "starts_at": "12:00", "ends_at": "11:00"}, "deve venire dopo"),
        ({"first_day": "2026-03-09", "ends_at": "00:00"}, "deve venire dopo"),
        ({"first_day": "2026-03-09", "last_day": "2027-04-01"}, "al massimo un anno"),
        ({"first_day": "2029-03-09"}, "entro i prossimi due anni"),
        ({"first_day": "", "reason": "x"}, "obbligatorio"),
        ({"first_day": "2026-03-09", "reason": "   "}, "obbligatorio"),
    ]
    for data, expected in cases:
        response = page.post(url, {"reason": "Chiuso", **data})
        assert response.status_code == 400, data
        assert expected in response.content.decode(), data
    assert not AppointmentClosure.objects_unscoped.exists()
    closure_events = AuditEvent.objects_unscoped.filter(action__startswith="desk.appointment_clos")
    assert not closure_events.exists()
    with pytest.raises(ValidationError, match="Indichi il motivo"):  # the service's own check
        appointments.add_closure(manager[0], open_point, first_day=NEXT_MONDAY, reason=" ")


def test_the_page_is_the_points_staffs(
    clock,
    open_point,
    other_point,
    manager,
    other_manager,
    make_operator,
    point,
    staff_client,
    municipality,
    other_municipality,
    citizen,
):
    url = closures_url(open_point)
    # The Point's operator and the Comune's admin (from the appointments' settings page).
    operator = login(Client(), manager[1], manager[2])
    assert operator.get(url).status_code == 200
    assert operator.post(url, {"first_day": "2026-03-09", "reason": "Ponte"}).status_code == 302
    closure = AppointmentClosure.objects_unscoped.get()
    remove = reverse("desk:point_closure_remove", args=[open_point.pk, closure.pk])
    admin_page, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    settings = admin_page.get(reverse("desk:point_appointments", args=[open_point.pk]))
    assert url in settings.content.decode() and "Ponte" in settings.content.decode()
    assert admin_page.get(url).status_code == 200

    # Another Point's operator (another Comune), an operator of the Comune not at this Point,
    # another Comune's admin: 404 for the page, the add and the removal; nothing changes.
    _a, user, membership = make_operator(
        "altro@piazzola.example.org", Role.WELFARE_DESK_STAFF, point, assign=False
    )
    _a, other_admin, other_membership = make_operator(
        "admin@limena.example.org", Role.MUNICIPALITY_ADMIN, other_point, assign=False
    )
    others = [
        login(Client(), other_manager[1], other_manager[2]),
        login(Client(), user, membership),
        login(Client(), other_admin, other_membership),
    ]
    for other in others:
        assert other.get(url).status_code == 404
        assert other.post(url, {"first_day": "2026-03-12", "reason": "x"}).status_code == 404
        assert other.post(remove).status_code == 404
    with pytest.raises(PermissionDenied):
        appointments.add_closure(other_manager[0], open_point, first_day=THURSDAY, reason="x")
    assert AppointmentClosure.objects_unscoped.count() == 1
    # A citizen: 404; an anonymous visitor: the login page.
    assert login(Client(), citizen.user).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and reverse("core:login") in anonymous["Location"]

    # Another Point's closure is not found under this Point's address.
    other_closure, _ = appointments.add_closure(
        other_manager[0], other_point, first_day=THURSDAY, reason="x"
    )
    wrong = reverse("desk:point_closure_remove", args=[open_point.pk, other_closure.pk])
    assert operator.post(wrong).status_code == 404

    assert operator.post(remove).status_code == 302
    assert list(AppointmentClosure.objects_unscoped.all()) == [other_closure]
    actions = AuditEvent.objects_unscoped.filter(action__startswith="desk.appointment_closure")
    assert sorted(actions.values_list("action", flat=True)) == [
        "desk.appointment_closure_added",
        "desk.appointment_closure_added",
        "desk.appointment_closure_removed",
    ]
