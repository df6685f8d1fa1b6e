"""The agenda's services: resources, working weeks, exceptions, blocked periods, booking rules
and series, with their Italian validation (times in the summer-time gap, dates in the past,
overlaps, limits), nothing written on bad input, audit events, another provider's staff
refused; and the slots read from the database (few queries) with `choose_slot`'s reasons."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.bookings.models import (
    AgendaException,
    BlockedPeriod,
    Resource,
    Series,
    SeriesStatus,
    ServiceSchedule,
    WorkingHours,
)
from benecomune.bookings.services import agenda, agenda_schedule
from benecomune.bookings.services import agenda_reads as reads
from benecomune.core.models import AuditEvent
from benecomune.core.scoping import all_tenants
from tests.bookings import agenda_fixtures
from tests.bookings.agenda_fixtures import RULES, add_resource, set_rules
from tests.e2e.helpers import use_fixtures
from tests.marketplace import conftest as marketplace_fixtures
from tests.marketplace.test_catalogue import make_service

use_fixtures(
    globals(),
    marketplace_fixtures,
    "_clear_cache",
    "accredited",
    "admins",
    "checklist",
    "make_provider",
)
use_fixtures(globals(), agenda_fixtures, "coop")
pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
UTC = datetime.UTC
D = datetime.date
T = datetime.time
SPRING = D(2027, 3, 28)  # last Sunday of March 2027
MONDAY = D(2027, 6, 7)
TODAY = D(2027, 6, 1)
NOW = datetime.datetime(2027, 6, 1, 8, 0, tzinfo=ROME)


def actions() -> list[str]:
    return list(
        AuditEvent.objects_unscoped.filter(action__startswith="bookings.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def messages_of(excinfo) -> str:
    return " ".join(excinfo.value.messages)


# --- resources and weeks ----------------------------------------------------------------------


def test_resources_are_created_edited_deactivated_and_audited(make_provider):
    provider, owner = make_provider()
    resource = agenda.create_resource(owner, provider, name="  Sala   grande ", kind="room")
    assert resource.name == "Sala grande" and resource.active
    agenda.update_resource(owner, resource, name="Sala blu", kind="room", active=True)
    agenda.deactivate_resource(owner, resource)
    resource.refresh_from_db()
    assert (resource.name, resource.active) == ("Sala blu", False)
    assert actions() == [
        "bookings.resource_created",
        "bookings.resource_updated",
        "bookings.resource_updated",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "kind": "person"}, "Indichi il nome"),
        ({"name": "x" * 120, "kind": "person"}, "supera 100 caratteri"),
        ({"name": "Pulmino", "kind": "aereo"}, "persona, una sala o un mezzo"),
    ],
)
def test_a_bad_resource_is_refused_in_italian(make_provider, data, message):
    provider, owner = make_provider()
    with pytest.raises(ValidationError) as excinfo:
        agenda.create_resource(owner, provider, **data)
    assert message in messages_of(excinfo)
    assert not Resource.objects_unscoped.exists()
    assert actions() == []


def test_the_week_is_replaced_and_checked(make_provider):
    provider, owner = make_provider()
    resource = add_resource(owner, provider)
    assert WorkingHours.objects_unscoped.filter(resource=resource).count() == 10
    agenda.set_working_hours(owner, resource, [(0, T(8), T(12))])
    assert list(
        WorkingHours.objects_unscoped.filter(resource=resource).values_list("weekday", "starts_at")
    ) == [(0, T(8))]
    for ranges, message in [
        ([(0, T(9), T(12)), (0, T(11), T(14))], "si sovrappongono"),
        ([(1, T(12), T(9))], "deve venire dopo"),
        ([(2, T(8), T(9)), (2, T(10), T(11)), (2, T(12), T(13))], "al massimo 2"),
    ]:
        with pytest.raises(ValidationError) as excinfo:
            agenda.set_working_hours(owner, resource, ranges)
        assert message in messages_of(excinfo)
    assert WorkingHours.objects_unscoped.filter(resource=resource).count() == 1


def test_another_providers_staff_is_refused_everywhere(coop, make_provider):
    provider, _owner, service, resource = coop
    _other, stranger = make_provider()
    calls = [
        lambda: agenda.create_resource(stranger, provider, name="Intruso", kind="person"),
        lambda: agenda.update_resource(stranger, resource, name="Intruso", kind="person"),
        lambda: agenda.set_working_hours(stranger, resource, []),
        lambda: agenda.add_exception(stranger, provider, date=MONDAY, today=TODAY),
        lambda: agenda.add_blocked_period(
            stranger,
            resource,
            start_date=MONDAY,
            start_time=T(9),
            end_date=MONDAY,
            end_time=T(10),
            now=NOW,
        ),
        lambda: agenda_schedule.set_schedule(stranger, service, **RULES, resources=[resource]),
        lambda: agenda_schedule.create_series(
            stranger,
            service,
            title="Serie",
            first_day=MONDAY,
            weekdays=[0],
            weeks=1,
            starts_at=T(9),
            ends_at=T(10),
            capacity=5,
            today=TODAY,
        ),
    ]
    before = actions()
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert actions() == before
    assert WorkingHours.objects_unscoped.filter(resource=resource).count() == 10


# --- exceptions and blocked periods -----------------------------------------------------------


def test_exceptions_closed_and_one_off_openings(coop):
    provider, owner, _service, resource = coop
    agenda.add_exception(owner, provider, date=MONDAY, note="Patrono", today=TODAY)
    agenda.add_exception(
        owner,
        provider,
        date=MONDAY + datetime.timedelta(days=6),
        closed=False,
        starts_at=T(10),
        ends_at=T(12),
        resource=resource,
        today=TODAY,
    )
    assert AgendaException.objects_unscoped.count() == 2
    with pytest.raises(ValidationError) as excinfo:
        agenda.add_exception(
            owner, provider, date=MONDAY, closed=False, starts_at=T(9), ends_at=T(10), today=TODAY
        )
    assert "già indicato come giorno di chiusura" in messages_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        agenda.add_exception(
            owner,
            provider,
            date=MONDAY + datetime.timedelta(days=6),
            closed=False,
            starts_at=T(11),
            ends_at=T(13),
            resource=resource,
            today=TODAY,
        )
    assert "si sovrappone" in messages_of(excinfo)
    exception = AgendaException.objects_unscoped.get(date=MONDAY)
    agenda.remove_exception(owner, exception)
    assert AgendaException.objects_unscoped.count() == 1
    assert actions()[-3:] == [
        "bookings.exception_added",
        "bookings.exception_added",
        "bookings.exception_removed",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": D(2027, 5, 31)}, "è già passato"),
        ({"closed": False, "starts_at": T(12), "ends_at": T(9)}, "deve venire dopo"),
        ({"closed": False, "starts_at": None, "ends_at": T(9)}, "indichi dalle e fino alle"),
        (
            {"date": SPRING, "closed": False, "starts_at": T(2, 30), "ends_at": T(5)},
            "L'ora 02:30 del 28/03/2027 non esiste",
        ),
    ],
)
def test_a_bad_exception_is_refused_in_italian(coop, changes, message):
    provider, owner, _service, _resource = coop
    data = {"date": MONDAY, "closed": True, **changes}
    with pytest.raises(ValidationError) as excinfo:
        agenda.add_exception(owner, provider, **data, today=TODAY)
    assert message in messages_of(excinfo)
    assert not AgendaException.objects_unscoped.exists()


def test_an_exception_for_another_providers_resource_is_refused(coop, make_provider):
    _provider, _owner, _service, resource = coop
    other, other_owner = make_provider()
    with pytest.raises(ValidationError, match="non è di questo fornitore"):
        agenda.add_exception(other_owner, other, date=MONDAY, resource=resource, today=TODAY)


def test_blocked_periods(coop):
    _provider, owner, _service, resource = coop
    period = agenda.add_blocked_period(
        owner,
        resource,
        start_date=SPRING,
        start_time=T(1, 30),
        end_date=SPRING,
        end_time=T(4),
        reason="Formazione",
        now=NOW.replace(year=2027, month=1),
    )
    # 01:30 CET and 04:00 CEST: one and a half real hours.
    assert period.ends_at - period.starts_at == datetime.timedelta(minutes=90)
    assert period.starts_at == datetime.datetime(2027, 3, 28, 0, 30, tzinfo=UTC)
    agenda.remove_blocked_period(owner, period)
    assert not BlockedPeriod.objects_unscoped.exists()
    assert actions()[-2:] == ["bookings.blocked_added", "bookings.blocked_removed"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_date": SPRING, "start_time": T(2, 30)}, "L'ora 02:30 del 28/03/2027 non esiste"),
        ({"end_time": T(8)}, "deve venire dopo l'inizio"),
        ({"start_date": D(2027, 5, 1), "end_date": D(2027, 5, 2)}, "già trascorso"),
        ({"end_date": D(2028, 7, 1)}, "al massimo un anno"),
        ({"start_time": None}, "Indichi giorno e ora di inizio"),
    ],
)
def test_a_bad_blocked_period_is_refused_in_italian(coop, changes, message):
    _provider, owner, _service, resource = coop
    data = {
        "start_date": MONDAY,
        "start_time": T(9),
        "end_date": MONDAY,
        "end_time": T(12),
        **changes,
    }
    with pytest.raises(ValidationError) as excinfo:
        agenda.add_blocked_period(owner, resource, **data, now=NOW)
    assert message in messages_of(excinfo)
    assert not BlockedPeriod.objects_unscoped.exists()


# --- booking rules and series -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": 0}, "i posti per turno indichi un numero intero da 1"),
        ({"window_days": 0}, "la finestra di prenotazione indichi un numero intero da 1"),
        ({"duration_minutes": 0}, "la durata indichi un numero intero da 1"),
        ({"duration_minutes": "un'ora"}, "la durata indichi un numero intero"),
        ({"step_minutes": None}, "l'intervallo tra i turni"),
        ({"buffer_after_minutes": -5}, "il margine dopo"),
        ({"min_notice_hours": 48, "window_days": 2}, "più breve della finestra"),
    ],
)
def test_bad_booking_rules_are_refused_in_italian(coop, changes, message):
    _provider, owner, service, resource = coop
    before = ServiceSchedule.objects_unscoped.get(service=service).capacity
    with pytest.raises(ValidationError) as excinfo:
        agenda_schedule.set_schedule(owner, service, **{**RULES, **changes}, resources=[resource])
    assert message in messages_of(excinfo)
    assert ServiceSchedule.objects_unscoped.get(service=service).capacity == before


def test_booking_rules_need_own_active_resources(coop, make_provider):
    provider, owner, service, _resource = coop
    other, other_owner = make_provider()
    foreign = add_resource(other_owner, other, name="Altrui")
    for resources, message in [
        ([], "almeno una risorsa"),
        ([foreign], "risorse attive di questo fornitore"),
    ]:
        with pytest.raises(ValidationError, match=message):
            agenda_schedule.set_schedule(owner, service, **RULES, resources=resources)
    second = add_resource(owner, provider, name="Sala", kind="room")
    agenda_schedule.set_schedule(owner, service, **{**RULES, "capacity": 12}, resources=[second])
    schedule = ServiceSchedule.objects_unscoped.get(service=service)
    assert schedule.capacity == 12
    assert agenda_schedule.resource_ids_of(schedule) == [second.pk]
    event = AuditEvent.objects_unscoped.filter(action="bookings.schedule_set").order_by("pk").last()
    assert event.before["capacity"] == 1 and event.after["resources"] == [second.pk]


def series_data(**changes):
    data = {
        "title": "Laboratorio del martedì",
        "first_day": D(2027, 6, 8),
        "weekdays": [1],
        "weeks": 10,
        "starts_at": T(17),
        "ends_at": T(18, 30),
        "capacity": 12,
    }
    data.update(changes)
    return data


def test_series_weekly_and_camp_week_then_cancelled(coop):
    _provider, owner, service, resource = coop
    weekly = agenda_schedule.create_series(owner, service, **series_data(), today=TODAY)
    assert len(reads.sessions_of(weekly)) == 10
    camp = agenda_schedule.create_series(
        owner,
        service,
        **series_data(
            title="Centro estivo, 1ª settimana",
            first_day=MONDAY,
            weekdays=[0, 1, 2, 3, 4],
            weeks=1,
            starts_at=T(9),
            ends_at=T(13),
            capacity=20,
        ),
        resource=resource,
        today=TODAY,
    )
    assert [s.day for s in reads.sessions_of(camp)] == [
        MONDAY + datetime.timedelta(days=n) for n in range(5)
    ]
    assert [s for s, _ in reads.open_series(service, TODAY)] == [camp, weekly]
    agenda_schedule.cancel_series(owner, weekly)
    weekly.refresh_from_db()
    assert weekly.status == SeriesStatus.CANCELLED and weekly.cancelled_at
    with pytest.raises(ValidationError, match="già annullata"):
        agenda_schedule.cancel_series(owner, weekly)
    assert [s for s, _ in reads.open_series(service, TODAY)] == [camp]
    assert actions()[-3:] == [
        "bookings.series_created",
        "bookings.series_created",
        "bookings.series_cancelled",
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_day": D(2027, 1, 5)}, "è già passato"),
        ({"weekdays": []}, "almeno un giorno"),
        ({"weeks": 0}, "da 1 a 52"),
        ({"capacity": 0}, "da 1 a 1000"),
        ({"ends_at": T(16)}, "deve venire dopo"),
        ({"title": ""}, "Indichi il titolo"),
        (
            {"first_day": D(2027, 3, 21), "weekdays": [6], "weeks": 2, "starts_at": T(2, 15)},
            "L'ora 02:15 del 28/03/2027 non esiste",
        ),
    ],
)
def test_a_bad_series_is_refused_in_italian(coop, changes, message):
    _provider, owner, service, _resource = coop
    with pytest.raises(ValidationError) as excinfo:
        agenda_schedule.create_series(
            owner, service, **series_data(**changes), today=D(2027, 1, 10)
        )
    assert message in messages_of(excinfo)
    assert not Series.objects_unscoped.exists()


# --- slots from the database ------------------------------------------------------------------


def labels(slots):
    return [s.local_start.strftime("%d %H:%M") for s in slots]


def test_slots_from_the_database_with_exceptions_blocks_and_series(
    coop, django_assert_max_num_queries
):
    provider, owner, service, resource = coop
    schedule = reads.schedule_of(service)
    with django_assert_max_num_queries(7):
        slots = reads.available_slots(schedule, TODAY, TODAY + datetime.timedelta(days=90), now=NOW)
    # Notice of 24 hours from Tuesday 08:00: from Wednesday 09:00; 8 a working day.
    assert labels(slots)[:2] == ["02 09:00", "02 10:00"]
    assert len([s for s in slots if s.local_start.date() == MONDAY]) == 8
    agenda.add_exception(owner, provider, date=MONDAY, today=TODAY)
    agenda.add_blocked_period(
        owner,
        resource,
        start_date=MONDAY + datetime.timedelta(days=1),
        start_time=T(9, 30),
        end_date=MONDAY + datetime.timedelta(days=1),
        end_time=T(11),
        now=NOW,
    )
    agenda_schedule.create_series(
        owner,
        service,
        **series_data(
            first_day=MONDAY + datetime.timedelta(days=2),
            weekdays=[2],
            weeks=1,
            starts_at=T(15),
            ends_at=T(16),
        ),
        resource=resource,
        today=TODAY,
    )
    week = reads.available_slots(schedule, MONDAY, MONDAY + datetime.timedelta(days=2), now=NOW)
    assert labels(week) == [
        "08 11:00",
        "08 12:00",
        "08 14:00",
        "08 15:00",
        "08 16:00",
        "08 17:00",
        "09 09:00",
        "09 10:00",
        "09 11:00",
        "09 12:00",
        "09 14:00",
        "09 16:00",
        "09 17:00",
    ]
    with all_tenants():
        agenda.deactivate_resource(owner, resource)
    assert reads.available_slots(schedule, MONDAY, MONDAY, now=NOW) == []


@pytest.mark.parametrize(
    ("day", "time", "message"),
    [
        (D(2027, 5, 31), T(9), "è già passato"),
        (D(2027, 6, 1), T(17), "almeno 24 ore di preavviso"),
        (D(2027, 12, 1), T(9), "al massimo 90 giorni prima"),
        (D(2027, 6, 7), T(13), "non c'è un turno libero"),
    ],
)
def test_choose_slot_says_why_not(coop, day, time, message):
    _provider, _owner, service, _resource = coop
    schedule = reads.schedule_of(service)
    with pytest.raises(ValidationError) as excinfo:
        reads.choose_slot(schedule, day, time, now=NOW)
    assert message in messages_of(excinfo)
    slot = reads.choose_slot(schedule, MONDAY, T(9), now=NOW)
    assert slot.start == datetime.datetime(2027, 6, 7, 7, 0, tzinfo=UTC)


def test_choose_slot_in_the_summer_time_gap(coop):
    _provider, _owner, service, _resource = coop
    schedule = reads.schedule_of(service)
    with pytest.raises(ValidationError) as excinfo:
        reads.choose_slot(schedule, SPRING, T(2, 30), now=NOW.replace(month=3, day=1))
    assert messages_of(excinfo) == (
        "L'ora 02:30 del 28/03/2027 non esiste: quella notte gli orologi passano dalle 02:00 "
        "alle 03:00 (inizio dell'ora legale). Scelga un altro orario."
    )


def test_a_service_of_another_provider_cannot_use_this_schedule(coop, make_provider):
    _provider, owner, _service, _resource = coop
    other, other_owner = make_provider()
    service = make_service(other_owner, other, title="Altro")
    with pytest.raises(PermissionDenied):
        set_rules(owner, service, [])
