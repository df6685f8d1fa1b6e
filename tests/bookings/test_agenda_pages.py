"""The agenda's pages: the provider's staff manage resources, weeks, exceptions, blocked
periods, booking rules and series (Italian errors on the page, nothing saved); another
provider's staff get 404 on every page about this provider's rows; the "Agenda" entry in the
navigation; the public calendar of a service (days and times as links, choices checked with
Italian reasons: past, window, the summer-time gap) and its link from the service page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from benecomune.bookings.models import (
    AgendaException,
    BlockedPeriod,
    Resource,
    Series,
    ServiceSchedule,
    WorkingHours,
)
from benecomune.bookings.services import agenda, agenda_schedule
from benecomune.bookings.services import agenda_reads as reads
from benecomune.core.scoping import all_tenants
from tests.bookings import agenda_fixtures
from tests.bookings.agenda_fixtures import RULES, add_resource
from tests.e2e.helpers import use_fixtures
from tests.helpers import login
from tests.marketplace import conftest as marketplace_fixtures
from tests.marketplace.test_catalogue import make_service
from tests.marketplace.test_search import publish_profile

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
T = datetime.time


def as_owner(client, owner):
    return login(client, owner.user, owner.membership)


def next_monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


def test_staff_pages_render_and_save(client, coop):
    _provider, owner, service, resource = coop
    as_owner(client, owner)
    home = client.get(reverse("bookings:agenda"))
    assert home.status_code == 200
    assert (
        "Maria Rossi" in home.content.decode() and "Educativa domiciliare" in home.content.decode()
    )
    response = client.post(reverse("bookings:agenda"), {"name": "Sala grande", "kind": "room"})
    room = Resource.objects_unscoped.get(name="Sala grande")
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:resource", args=[room.pk])
    page = client.get(reverse("bookings:resource", args=[room.pk]))
    assert page.status_code == 200 and "Orari di lavoro" in page.content.decode()
    week = {"d0_open1": "09:00", "d0_close1": "12:30", "d0_open2": "14:00", "d0_close2": "17:00"}
    response = client.post(reverse("bookings:resource_week", args=[room.pk]), week)
    assert response.status_code == 302
    assert WorkingHours.objects_unscoped.filter(resource=room).count() == 2
    # Overlapping ranges: the page again with the Italian message, nothing changed.
    bad = {"d1_open1": "09:00", "d1_close1": "12:00", "d1_open2": "11:00", "d1_close2": "13:00"}
    response = client.post(reverse("bookings:resource_week", args=[room.pk]), bad)
    assert response.status_code == 200
    assert "si sovrappongono" in response.content.decode()
    assert WorkingHours.objects_unscoped.filter(resource=room).count() == 2
    monday = next_monday()
    response = client.post(
        reverse("bookings:blocked_add", args=[room.pk]),
        {
            "start_date": monday.isoformat(),
            "start_time": "09:00",
            "end_date": monday.isoformat(),
            "end_time": "11:00",
            "reason": "Manutenzione",
        },
    )
    assert response.status_code == 302
    period = BlockedPeriod.objects_unscoped.get(resource=room)
    assert (
        "Manutenzione" in client.get(reverse("bookings:resource", args=[room.pk])).content.decode()
    )
    client.post(reverse("bookings:blocked_remove", args=[period.pk]))
    assert not BlockedPeriod.objects_unscoped.exists()
    response = client.post(
        reverse("bookings:exceptions"),
        {"date": monday.isoformat(), "closed": "1", "resource": "", "note": "Patrono"},
    )
    assert response.status_code == 302
    exception = AgendaException.objects_unscoped.get()
    assert exception.resource is None and exception.closed
    assert "Patrono" in client.get(reverse("bookings:exceptions")).content.decode()
    client.post(reverse("bookings:exception_remove", args=[exception.pk]))
    assert not AgendaException.objects_unscoped.exists()
    schedule_url = reverse("bookings:schedule", args=[service.pk])
    assert client.get(schedule_url).status_code == 200
    response = client.post(
        schedule_url, {**RULES, "capacity": "15", "resources": [str(room.pk), str(resource.pk)]}
    )
    assert response.status_code == 302
    assert ServiceSchedule.objects_unscoped.get(service=service).capacity == 15
    assert "turni liberi" in client.get(schedule_url).content.decode()
    response = client.post(schedule_url, {**RULES, "capacity": "0", "resources": [str(room.pk)]})
    assert response.status_code == 200
    assert "i posti per turno indichi un numero intero da 1" in response.content.decode()
    response = client.post(
        reverse("bookings:series_add", args=[service.pk]),
        {
            "title": "Centro estivo",
            "first_day": monday.isoformat(),
            "weekdays": ["0", "1", "2", "3", "4"],
            "weeks": "1",
            "starts_at": "09:00",
            "ends_at": "13:00",
            "capacity": "20",
            "resource": str(room.pk),
        },
    )
    assert response.status_code == 302
    series = Series.objects_unscoped.get()
    assert "Centro estivo" in client.get(schedule_url).content.decode()
    client.post(reverse("bookings:series_cancel", args=[series.pk]))
    series.refresh_from_db()
    assert series.status == "cancelled"


def test_the_gap_on_the_exceptions_page(client, coop):
    _provider, owner, _service, _resource = coop
    as_owner(client, owner)
    response = client.post(
        reverse("bookings:exceptions"),
        {"date": "2027-03-28", "closed": "0", "starts_at": "02:30", "ends_at": "06:00"},
    )
    assert response.status_code == 200
    assert "L&#x27;ora 02:30 del 28/03/2027 non esiste" in response.content.decode()
    assert not AgendaException.objects_unscoped.exists()


def test_the_agenda_is_in_the_providers_navigation(client, coop):
    _provider, owner, service, _resource = coop
    as_owner(client, owner)
    html = client.get(reverse("marketplace:dashboard")).content.decode()
    assert reverse("bookings:agenda") in html
    html = client.get(reverse("marketplace:service", args=[service.pk])).content.decode()
    assert reverse("bookings:schedule", args=[service.pk]) in html


def test_another_providers_staff_get_404_everywhere(client, coop, make_provider):
    provider, owner, service, resource = coop
    monday = next_monday()
    period = agenda.add_blocked_period(
        owner,
        resource,
        start_date=monday,
        start_time=T(9),
        end_date=monday,
        end_time=T(10),
    )
    exception = agenda.add_exception(owner, provider, date=monday)
    series = agenda_schedule.create_series(
        owner,
        service,
        title="Serie",
        first_day=monday,
        weekdays=[1],
        weeks=2,
        starts_at=T(17),
        ends_at=T(18),
        capacity=5,
    )
    _other, stranger = make_provider()
    as_owner(client, stranger)
    gets = [
        reverse("bookings:resource", args=[resource.pk]),
        reverse("bookings:schedule", args=[service.pk]),
    ]
    posts = [
        reverse("bookings:resource", args=[resource.pk]),
        reverse("bookings:resource_week", args=[resource.pk]),
        reverse("bookings:blocked_add", args=[resource.pk]),
        reverse("bookings:blocked_remove", args=[period.pk]),
        reverse("bookings:exception_remove", args=[exception.pk]),
        reverse("bookings:schedule", args=[service.pk]),
        reverse("bookings:series_add", args=[service.pk]),
        reverse("bookings:series_cancel", args=[series.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"name": "x", "kind": "person"}).status_code == 404, url
    # Their own agenda does not show this provider's rows.
    html = client.get(reverse("bookings:agenda")).content.decode()
    assert "Maria Rossi" not in html and "Educativa domiciliare" not in html
    assert BlockedPeriod.objects_unscoped.filter(pk=period.pk).exists()
    assert AgendaException.objects_unscoped.filter(pk=exception.pk).exists()
    assert Series.objects_unscoped.get(pk=series.pk).status == "active"
    assert Resource.objects_unscoped.get(pk=resource.pk).name == "Maria Rossi"


def test_a_citizen_or_anonymous_cannot_reach_the_staff_pages(client, coop):
    response = client.get(reverse("bookings:agenda"))
    assert response.status_code == 302 and "accedi" in response["Location"]


# --- the public calendar ----------------------------------------------------------------------


@pytest.fixture
def public(coop, municipality):
    provider, owner, service, _resource = coop
    publish_profile(owner, provider)
    return municipality, service


def slots_url(municipality, service, **params):
    url = reverse("bookings:slots", args=[municipality.slug, service.pk])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def test_the_public_calendar_shows_a_week_of_times(client, public):
    municipality, service = public
    page = client.get(
        reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])
    )
    assert page.status_code == 200
    assert slots_url(municipality, service) in page.content.decode()
    response = client.get(slots_url(municipality, service))
    assert response.status_code == 200
    html = response.content.decode()
    first = reads.available_slots(
        reads.schedule_of(service),
        timezone.localdate(),
        timezone.localdate() + datetime.timedelta(days=10),
    )[0]
    day = first.local_start.date()
    assert f'data-testid="slots-{day.isoformat()}"' in html
    assert f"giorno={day.isoformat()}&amp;ora={first.local_start:%H:%M}" in html
    assert "Settimana successiva" in html and "posto libero" in html
    chosen = client.get(
        slots_url(municipality, service, giorno=day.isoformat(), ora=f"{first.local_start:%H:%M}")
    )
    assert 'data-testid="chosen"' in chosen.content.decode()
    # Next week, then back.
    following = client.get(
        slots_url(municipality, service, dal=(day + datetime.timedelta(days=7)).isoformat())
    )
    assert "Settimana precedente" in following.content.decode()
    # Under the network's slug too (the staff's preview links there).
    network_url = reverse("bookings:slots", args=[municipality.network.slug, service.pk])
    assert client.get(network_url).status_code == 200


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"giorno": "2027-03-28", "ora": "02:30"}, "L&#x27;ora 02:30 del 28/03/2027 non esiste"),
        ({"giorno": "2020-01-07", "ora": "09:00"}, "è già passato"),
        ({"giorno": "2031-01-07", "ora": "09:00"}, "al massimo 90 giorni prima"),
        ({"giorno": "ieri", "ora": "09:00"}, "non sono validi"),
        ({"dal": "2020-01-01"}, "non si possono prenotare"),
        ({"dal": "2031-01-01"}, "Si può prenotare al massimo fino al"),
    ],
)
def test_bad_choices_get_an_italian_message(client, public, params, message):
    municipality, service = public
    response = client.get(slots_url(municipality, service, **params))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_not_bookable_or_not_public_answers_404(client, public, make_provider):
    municipality, service = public
    with all_tenants():
        ServiceSchedule.objects_unscoped.filter(service=service).delete()
    assert client.get(slots_url(municipality, service)).status_code == 404
    other, other_owner = make_provider()
    hidden = make_service(other_owner, other, title="Non pubblico", publish=False)
    room = add_resource(other_owner, other, name="Sala")
    agenda_schedule.set_schedule(other_owner, hidden, **RULES, resources=[room])
    assert client.get(slots_url(municipality, hidden)).status_code == 404


MESI = (
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"
)


def test_the_week_reads_dall_8_dicembre_with_the_month_in_lower_case(client, public):
    """Italian: months lower case mid-sentence, "dal" elided before 1, 8, 11 ("Dall'8")."""
    municipality, service = public
    start = timezone.localdate() + datetime.timedelta(days=1)
    while start.day not in (1, 8, 11):
        start += datetime.timedelta(days=1)
    end = start + datetime.timedelta(days=6)
    html = client.get(slots_url(municipality, service, dal=start.isoformat())).content.decode()
    month, end_month = (MESI.split()[d.month - 1] for d in (start, end))
    heading = f"Dall&#x27;{start.day} {month} al {end.day} {end_month} {end.year}"
    if end.day in (1, 8, 11):
        heading = heading.replace(" al ", " all&#x27;")
    assert heading in html
    assert f"{start.day} {month.capitalize()}" not in html


def test_the_window_message_elides_the_article_before_the_8th(public):
    """ "scelga una data entro l'8 dicembre", not "entro il 8 dicembre"."""
    _municipality, service = public
    schedule = ServiceSchedule.objects_unscoped.get(service=service)
    rome = timezone.get_default_timezone()
    latest = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=rome)
    now = latest - datetime.timedelta(days=schedule.window_days)
    with pytest.raises(ValidationError) as refused:
        reads.choose_slot(schedule, datetime.date(2026, 12, 20), datetime.time(9), now=now)
    assert "scelga una data entro l'8 dicembre 2026." in refused.value.messages[0]


def test_a_series_reads_incontri_dall_8(client, coop, public):
    """The series on the booking page: "2 incontri dall'8 dicembre 2026", not "dal 8"."""
    municipality, service = public
    _provider, owner, _service, _resource = coop
    first = timezone.localdate() + datetime.timedelta(days=3)
    while first.day != 8:
        first += datetime.timedelta(days=1)
    agenda_schedule.create_series(
        owner,
        service,
        title="Corso di ginnastica dolce",
        first_day=first,
        weekdays=[first.weekday()],
        weeks=2,
        starts_at=datetime.time(17),
        ends_at=datetime.time(18),
        capacity=5,
    )
    html = client.get(slots_url(municipality, service)).content.decode()
    month = MESI.split()[first.month - 1]
    assert f"2 incontri dall&#x27;8 {month} {first.year}, dalle 17:00" in html


GIORNI = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica"]


def test_weekdays_are_lower_case_mid_sentence_and_capitalised_in_headings(client, public):
    """ "Martedì 9 dicembre" as a day's heading; ", martedì 9 dicembre" inside a sentence."""
    municipality, service = public
    html = client.get(slots_url(municipality, service)).content.decode()
    assert any(f'">{day.capitalize()} ' in html for day in GIORNI)  # the days' headings
    assert any(f", {day} " in html for day in GIORNI)  # the slots' labels for screen readers
    for day in GIORNI:
        assert f", {day.capitalize()} " not in html, day
