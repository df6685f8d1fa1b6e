"""Opening hours of a district's shop: the week's validation (Italian messages, nothing saved
on bad input), closures, "open now" in Europe/Rome time with a frozen clock (also across the
change to summer time), the staff page, and another shop's staff kept out (404)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from benecomune.core.models import AuditEvent, Provider, Role
from benecomune.marketplace.models import OpeningException, OpeningSlot
from benecomune.marketplace.services import districts

T = datetime.time
UTC = datetime.UTC
ROME = ZoneInfo("Europe/Rome")
SPLIT = [(T(8, 30), T(13, 0)), (T(16, 0), T(19, 30))]

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_actor, shop):
    return make_actor("titolare@bepi.example.org", Role.MERCHANT_STAFF, shop)


@pytest.fixture
def other_shop(network, other_municipality):
    return Provider.objects.create(
        name="Forno di Limena",
        slug="forno-limena",
        provider_kind="shop",
        category="bakery",
        vat_number="05678900282",
        network=network,
        municipality=other_municipality,
    )


def week(days=range(6), slots=SPLIT):
    return [(day, opens, closes) for day in days for opens, closes in slots]


def test_the_week_is_saved_and_audited(owner, shop):
    districts.set_week(owner, shop, week())
    assert OpeningSlot.objects_unscoped.filter(provider=shop).count() == 12
    event = AuditEvent.objects_unscoped.get(action="marketplace.hours_updated")
    assert event.organization_id == shop.pk
    assert "0:08:30-13:00" in event.after["week"]
    # Saving the same week again changes nothing and records nothing.
    districts.set_week(owner, shop, week())
    assert AuditEvent.objects_unscoped.filter(action="marketplace.hours_updated").count() == 1


@pytest.mark.parametrize(
    ("slots", "message"),
    [
        ([(0, T(13, 0), T(8, 30))], "deve venire dopo l'apertura"),
        ([(0, T(9, 0), T(9, 0))], "deve venire dopo l'apertura"),
        ([(1, T(8, 30), T(13, 0)), (1, T(12, 0), T(19, 0))], "si sovrappongono"),
        ([(2, T(8, 0), None)], "sia l'ora di apertura sia quella di chiusura"),
        ([(7, T(8, 0), T(9, 0))], "Giorno della settimana non valido"),
        (
            [(3, T(7, 0), T(8, 0)), (3, T(9, 0), T(10, 0)), (3, T(11, 0), T(12, 0))],
            "al massimo 2 fasce",
        ),
    ],
)
def test_a_bad_week_is_refused_in_italian_and_changes_nothing(owner, shop, slots, message):
    districts.set_week(owner, shop, week())
    with pytest.raises(ValidationError) as exc:
        districts.set_week(owner, shop, week(days=[4]) + slots)
    assert any(message in text for text in exc.value.messages)
    assert OpeningSlot.objects_unscoped.filter(provider=shop).count() == 12


def test_adjacent_slots_do_not_overlap(owner, shop):
    districts.set_week(owner, shop, [(0, T(8, 0), T(12, 0)), (0, T(12, 0), T(14, 0))])
    assert OpeningSlot.objects_unscoped.filter(provider=shop).count() == 2


def test_only_shops_have_hours(owner, shop, make_actor, network, municipality):
    coop = Provider.objects.create(
        name="Cooperativa",
        slug="coop-x",
        provider_kind="social_cooperative",
        vat_number="06789010284",
        network=network,
        municipality=municipality,
    )
    staff = make_actor("coop@example.org", Role.PROVIDER_STAFF, coop)
    with pytest.raises(ValidationError, match="esercizi commerciali"):
        districts.set_week(staff, coop, week())


def test_another_shops_staff_may_not_set_hours(shop, other_shop, make_actor):
    from django.core.exceptions import PermissionDenied

    stranger = make_actor("forno@example.org", Role.MERCHANT_STAFF, other_shop)
    with pytest.raises(PermissionDenied):
        districts.set_week(stranger, shop, week())
    assert not OpeningSlot.objects_unscoped.filter(provider=shop).exists()


def rome(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=ROME)


def test_open_now_reads_the_slots_in_rome_time(owner, shop):
    districts.set_week(owner, shop, week())
    # Tuesday 1 December 2026 (winter time, UTC+1).
    assert districts.open_now(shop, rome(2026, 12, 1, 8, 30))
    assert districts.open_now(shop, rome(2026, 12, 1, 12, 59))
    assert not districts.open_now(shop, rome(2026, 12, 1, 13, 0))  # closing time: closed
    assert not districts.open_now(shop, rome(2026, 12, 1, 14, 0))
    assert districts.open_now(shop, rome(2026, 12, 1, 16, 0))
    assert not districts.open_now(shop, rome(2026, 12, 6, 10, 0))  # Sunday: closed day
    # The same instant given in UTC: 07:45 UTC is 08:45 in Rome.
    assert districts.open_now(shop, datetime.datetime(2026, 12, 1, 7, 45, tzinfo=UTC))
    assert not districts.open_now(shop, datetime.datetime(2026, 12, 1, 7, 15, tzinfo=UTC))


def test_open_now_on_the_days_the_clocks_change(owner, shop):
    """Summer time starts on Sunday 29 March 2026 at 02:00 and ends on Sunday 25 October at
    03:00: a Sunday slot 08:30-13:00 stays at 08:30 local time on both days."""
    districts.set_week(owner, shop, week(days=[6], slots=[(T(8, 30), T(13, 0))]))
    # 29 March: 06:45 UTC is 08:45 CEST (UTC+2): open. The day before 06:45 UTC was 07:45.
    assert districts.open_now(shop, datetime.datetime(2026, 3, 29, 6, 45, tzinfo=UTC))
    assert not districts.open_now(shop, datetime.datetime(2026, 3, 22, 6, 45, tzinfo=UTC))
    assert not districts.open_now(shop, datetime.datetime(2026, 3, 29, 6, 15, tzinfo=UTC))
    # 25 October: 07:15 UTC is 08:15 CET (UTC+1): still closed; a week before, 09:15 CEST.
    assert not districts.open_now(shop, datetime.datetime(2026, 10, 25, 7, 15, tzinfo=UTC))
    assert districts.open_now(shop, datetime.datetime(2026, 10, 18, 7, 15, tzinfo=UTC))
    assert districts.open_now(shop, datetime.datetime(2026, 10, 25, 7, 45, tzinfo=UTC))
    # Late in the evening UTC is already the next day in Rome (Monday: closed).
    assert not districts.open_now(shop, datetime.datetime(2026, 3, 29, 22, 30, tzinfo=UTC))


def test_open_now_with_a_frozen_clock(owner, shop, monkeypatch):
    districts.set_week(owner, shop, week())
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 3, 28, 9, 0, tzinfo=UTC))
    assert districts.open_now(shop)  # Saturday 10:00 in Rome
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(2026, 3, 29, 9, 0, tzinfo=UTC))
    assert not districts.open_now(shop)  # Sunday


def test_a_closure_closes_the_shop_on_its_dates(owner, shop):
    districts.set_week(owner, shop, week())
    closure = districts.add_closure(
        owner,
        shop,
        start_date=datetime.date(2026, 12, 7),
        end_date=datetime.date(2026, 12, 8),
        note="Immacolata",
        today=datetime.date(2026, 12, 1),
    )
    assert not districts.open_now(shop, rome(2026, 12, 8, 10, 0))
    assert districts.open_now(shop, rome(2026, 12, 9, 10, 0))
    assert AuditEvent.objects_unscoped.filter(action="marketplace.closure_added").exists()
    districts.remove_closure(owner, closure)
    assert districts.open_now(shop, rome(2026, 12, 8, 10, 0))
    assert AuditEvent.objects_unscoped.filter(action="marketplace.closure_removed").exists()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (datetime.date(2026, 12, 10), datetime.date(2026, 12, 9), "non può venire prima"),
        (datetime.date(2026, 11, 1), datetime.date(2026, 11, 2), "già passata"),
        (datetime.date(2026, 12, 10), datetime.date(2028, 1, 1), "al massimo un anno"),
    ],
)
def test_a_bad_closure_is_refused(owner, shop, start, end, message):
    with pytest.raises(ValidationError) as exc:
        districts.add_closure(
            owner, shop, start_date=start, end_date=end, today=datetime.date(2026, 12, 1)
        )
    assert message in " ".join(exc.value.messages)
    assert not OpeningException.objects_unscoped.exists()


# --- the staff page ----------------------------------------------------------------------------


def test_the_staff_page_saves_the_week_in_one_form(staff_client, shop):
    client, _user, _membership = staff_client(Role.MERCHANT_STAFF, shop)
    page = client.get("/gestione/negozio/orari/", secure=True)
    assert page.status_code == 200
    data = {"d0_open1": "08:30", "d0_close1": "13:00", "d0_open2": "16:00", "d0_close2": "19:30"}
    response = client.post("/gestione/negozio/orari/", data, secure=True)
    assert response.status_code == 302
    assert OpeningSlot.objects_unscoped.filter(provider=shop).count() == 2
    bad = client.post(
        "/gestione/negozio/orari/", {"d1_open1": "13:00", "d1_close1": "08:00"}, secure=True
    )
    assert bad.status_code == 200
    assert "deve venire dopo l&#x27;apertura" in bad.content.decode()
    assert OpeningSlot.objects_unscoped.filter(provider=shop).count() == 2


def test_another_shops_closure_is_not_found(staff_client, shop, other_shop, owner):
    closure = districts.add_closure(owner, shop, start_date=timezone.localdate())
    client, _user, _membership = staff_client(Role.MERCHANT_STAFF, other_shop)
    response = client.post(f"/gestione/negozio/orari/chiusure/{closure.pk}/togli/", secure=True)
    assert response.status_code == 404
    assert OpeningException.objects_unscoped.filter(pk=closure.pk).exists()
