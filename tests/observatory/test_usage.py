"""Bookings and services used (issue 19, dashboards): the usage rollup follows bookings
through their states, also when they change after the upkeep counted them, equals a
recomputation and a rebuild after random activity, is scoped per role (404 across tenants),
and shows on the dashboard with its exports. Everything through the bookings' services."""

import datetime
import io
import random

import pytest
from openpyxl import load_workbook

from benecomune.bookings.models import Booking, BookingStatus, OrderStatus, OwnMoney
from benecomune.bookings.services import booking_moves, order_delivery, orders
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from benecomune.observatory.models import UsageCell, UsageKind
from benecomune.observatory.services import check, upkeep, usage
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book
from tests.bookings.test_orders_fixtures import new_key
from tests.marketplace.test_catalogue import make_service

pytestmark = pytest.mark.django_db

S = BookingStatus
HOUR = datetime.timedelta(hours=1)
URL = "/osservatorio/"
ALL = {"dal": "2000-01-01"}


def cells() -> dict[tuple, int]:
    return {c.key(): c.count for c in UsageCell.objects.all()}


def counted(**filters) -> int:
    return sum(UsageCell.objects.filter(**filters).values_list("count", flat=True))


def by_status() -> dict[str, int]:
    """What the rollup says per booking status, next to what the bookings say."""
    out = {s: counted(kind=UsageKind.BOOKING, status=s) for s in S.values}
    return {s: n for s, n in out.items() if n}


def actual_statuses() -> dict[str, int]:
    out: dict[str, int] = {}
    for status in Booking.objects_unscoped.values_list("status", flat=True):
        out[status] = out.get(status, 0) + 1
    return out


def pay(wallets):
    return {
        "split": {wallets[0].pk: 2_000, wallets[1].pk: 1_500},
        "own_amount": 1_500,
        "own_money": "at_provider",
    }


@pytest.fixture
def goods(seller):
    """A service that is bought, not booked: 10 euro paid at the provider."""
    provider, owner, _service = seller
    return make_service(
        owner, provider, title="Kit didattico", price="10,00", user_area="disability"
    )


def buy(citizen, buyer, service):
    with all_tenants():
        return orders.place_order(
            citizen,
            buyer=buyer,
            service=service,
            split={},
            own_amount=1_000,
            own_money=OwnMoney.AT_PROVIDER,
            idempotency_key=new_key(),
        )


@pytest.fixture
def used(citizen, buyer, priced, free_service, wallets, goods):
    """A paid booking completed, free bookings confirmed, missed and cancelled, a delivered
    order and one not delivered, counted by the upkeep in between."""
    _provider, owner, service = priced
    paid = book(citizen, service, buyer, **pay(wallets))
    free = [book(citizen, free_service, buyer, slot=i) for i in range(3)]
    delivered, pending = buy(citizen, buyer, goods), buy(citizen, buyer, goods)
    upkeep.run()
    with all_tenants():
        booking_moves.complete(owner, paid, now=paid.starts_at + HOUR)
        booking_moves.no_show(owner, free[0], now=free[0].starts_at + HOUR)
        booking_moves.cancel_by_citizen(citizen, free[1])
        order_delivery.deliver(owner, delivered)
    upkeep.run()
    return {"paid": paid, "free": free, "pending": pending}


def test_states_changed_after_the_upkeep_ran_are_followed(used, municipality):
    assert by_status() == actual_statuses()
    assert by_status() == {S.COMPLETED: 1, S.NO_SHOW: 1, S.CANCELLED: 1, S.CONFIRMED: 1}
    # The paid booking's order counts with its booking; one order delivered on its own.
    assert counted(kind=UsageKind.ORDER) == 1
    assert counted(kind=UsageKind.ORDER, user_area="disability") == 1
    assert counted(comune_id=municipality.pk) == 5
    assert check.differences() == []


def test_a_service_edited_after_the_upkeep_moves_its_bookings(used, free_service):
    with all_tenants():
        free_service.user_area = "elderly"
        free_service.save()
    upkeep.run()
    assert counted(kind=UsageKind.BOOKING, user_area="elderly") == 3
    assert check.differences() == []


def test_the_check_finds_a_lost_move_and_the_rebuild_repairs_it(used):
    cell = UsageCell.objects.get(kind=UsageKind.BOOKING, status=S.COMPLETED)
    UsageCell.objects.filter(pk=cell.pk).update(count=2)
    problems = check.differences()
    assert len(problems) == 2 and "rollup 2 != bookings 1" in problems[0]
    before = {**cells(), cell.key(): 1}
    upkeep.rebuild()
    assert cells() == before and check.differences() == []


def test_a_run_with_nothing_new_changes_nothing(used):
    before = cells()
    assert usage.run()["moved"] == 0
    assert cells() == before


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_activity_equals_a_recomputation_and_a_rebuild(
    seed, citizen, buyer, priced, free_service, goods, comune
):
    """Random bookings, orders and closures, with upkeep runs at random points in between:
    after each run the rollup equals the recomputation; at the end the rebuild gives the same
    cells as the incremental upkeep."""
    rng = random.Random(seed)
    _provider, owner, service = priced
    made, bought = [], []
    for _step in range(16):
        move = rng.choice(["book", "book", "buy", "close", "close", "deliver", "upkeep"])
        active = [b for b in made if b.status in (S.REQUESTED, S.CONFIRMED)]
        open_orders = [o for o in bought if o.status == OrderStatus.CONFIRMED]
        with all_tenants():
            if move == "book":
                paid = rng.random() < 0.5
                extra = {"split": {}, "own_amount": 5_000, "own_money": "at_provider"}
                made.append(
                    book(
                        citizen,
                        service if paid else free_service,
                        buyer,
                        slot=len(made),
                        **(extra if paid else {}),
                    )
                )
            elif move == "buy":
                bought.append(buy(citizen, buyer, goods))
            elif move == "deliver" and open_orders:
                order_delivery.deliver(owner, rng.choice(open_orders))
            elif move == "close" and active:
                booking = rng.choice(active)
                after = booking.starts_at + HOUR
                closing = rng.choice(["complete", "no_show", "citizen", "provider", "comune"])
                if closing == "complete":
                    booking_moves.complete(owner, booking, now=after)
                elif closing == "no_show":
                    booking_moves.no_show(owner, booking, now=after)
                elif closing == "citizen":
                    booking_moves.cancel_by_citizen(citizen, booking)
                elif closing == "provider":
                    booking_moves.cancel_by_provider(owner, booking, reason="Operatrice malata")
                else:
                    booking_moves.cancel_by_comune(comune, booking, reason="Sciopero")
            elif move == "upkeep":
                upkeep.run()
                assert usage.differences() == []
        for row in (*made, *bought):
            row.refresh_from_db()
    upkeep.run()
    assert usage.differences() == []
    assert by_status() == actual_statuses()
    incremental = cells()
    upkeep.rebuild()
    assert cells() == incremental


def _table(response):
    return next(t for t in response.context["tables"] if t.slug == "prenotazioni")


def test_the_comune_sees_its_residents_figure_and_exports_it(used, staff_client, municipality):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get(URL, ALL)
    assert response.status_code == 200
    table = _table(response)
    assert table.title == "Prenotazioni e servizi usati per categoria e destinatari"
    rows = {row[0]: row[1:] for row in table.rows}
    # requested, confirmed, completed, no-show, declined, cancelled, orders delivered, used
    assert rows["Famiglia e minori — Doposcuola e tutoraggio"] == [0, 1, 1, 1, 0, 1, 0, 1]
    assert rows["Disabilità — Doposcuola e tutoraggio"] == [0, 0, 0, 0, 0, 0, 1, 1]
    content = response.content.decode()
    assert 'id="tabella-prenotazioni"' in content or "tabella-prenotazioni" in content
    csv = client.get(URL + "tabelle/prenotazioni.csv", ALL)
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Destinatari — categoria;Richiesta;Confermata;Svolta")
    assert "Famiglia e minori — Doposcuola e tutoraggio;0;1;1;1;0;1;0;1" in lines
    xlsx = client.get(URL + "tabelle/prenotazioni.xlsx", ALL)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(1, 9).value == "Servizi usati"
    report = client.get(URL + "report.pdf", ALL)
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


def test_another_comune_sees_nothing_and_a_foreign_comune_is_a_404(
    used, staff_client, municipality, other_municipality
):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, other_municipality)
    assert _table(client.get(URL, ALL)).rows == []
    assert client.get(URL, {"comune": municipality.pk}).status_code == 404
    assert (
        client.get(URL + "tabelle/prenotazioni.csv", {"comune": municipality.pk}).status_code == 404
    )


def test_the_network_filters_by_the_comune_of_residence(
    used, staff_client, network, municipality, other_municipality
):
    client, _user, _m = staff_client(Role.PLATFORM_ADMIN, network)
    assert sum(r[-1] for r in _table(client.get(URL, ALL)).rows) == 2
    mine = _table(client.get(URL, {**ALL, "comune": municipality.pk}))
    assert sum(r[-1] for r in mine.rows) == 2
    theirs = _table(client.get(URL, {**ALL, "comune": other_municipality.pk}))
    assert theirs.rows == []


def test_providers_and_companies_see_only_their_own(
    used, staff_client, priced, make_provider, company, municipality
):
    provider, _owner, _service = priced
    client, _user, _m = staff_client(Role.PROVIDER_STAFF, provider)
    rows = _table(client.get(URL, ALL)).rows
    assert sum(r[-1] for r in rows) == 2
    assert client.get(URL, {**ALL, "comune": municipality.pk}).status_code == 200  # residents
    other, _other_owner = make_provider()
    client, _user, _m = staff_client(Role.PROVIDER_STAFF, other, email="altro@example.org")
    assert _table(client.get(URL, ALL)).rows == []
    assert client.get(URL, {"comune": municipality.pk}).status_code == 404
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    assert _table(client.get(URL, ALL)).rows == []  # no booking paid by its plan
