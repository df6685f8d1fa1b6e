"""Dashboards: each organisation sees its own figures (404 for another tenant's Comune or call
in a filter), figures come from the rollups kept by the upkeep, exports and the PDF report."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from benecomune.core.models import Provider, Role
from benecomune.ledger.models import FundOrigin, Wallet, WalletSource
from benecomune.ledger.services import funds, refunds, transfers, wallets
from benecomune.observatory.models import Flow, FlowCell
from benecomune.observatory.services import check, upkeep
from tests.helpers import tables_that_scroll_on_a_phone

pytestmark = pytest.mark.django_db

URL = "/osservatorio/"


@pytest.fixture
def coop(network, other_municipality):
    return Provider.objects.create(
        name="Cooperativa Il Girasole",
        slug="coop-girasole",
        provider_kind="social_cooperative",
        category="home_care",
        vat_number="04999990282",
        network=network,
        municipality=other_municipality,
    )


@pytest.fixture
def activity(
    system_actor,
    make_fund,
    make_wallet,
    make_person,
    municipality,
    other_municipality,
    company,
    shop,
    coop,
):
    """Piazzola: a regional fund, two wallets, payments at its own shop and at Limena's
    cooperative, a refund and a void. Limena: its own fund and one payment. The company: a
    plan wallet spent at the cooperative. All through the ledger's services."""
    fund = funds.create_fund(
        system_actor,
        organization=municipality,
        name="Fondo regionale povertà",
        origin=FundOrigin.REGIONAL,
        legal_basis="DGR 1/2026",
    )
    funds.add_contribution(system_actor, fund, contributor="Regione Veneto", amount=1_000_000)
    first = make_wallet(fund, 5_000)
    second = make_wallet(fund, 3_000)
    pay = wallets.pay_from_wallet(
        system_actor, wallet=first, merchant=shop, amount=1_200, idempotency_key="d1"
    )
    wallets.pay_from_wallet(
        system_actor, wallet=second, merchant=coop, amount=800, idempotency_key="d2"
    )
    refunds.refund(system_actor, pay, 200, idempotency_key="d3")
    voided = wallets.pay_from_wallet(
        system_actor, wallet=second, merchant=shop, amount=100, idempotency_key="d4"
    )
    transfers.reverse(system_actor, voided)
    other_fund = make_fund(500_000, organization=other_municipality)
    limena = make_wallet(other_fund, 2_000, organization=other_municipality)
    wallets.pay_from_wallet(
        system_actor, wallet=limena, merchant=coop, amount=700, idempotency_key="d5"
    )
    company_fund = make_fund(200_000, organization=company)
    plan = wallets.open_wallet(
        system_actor,
        person=make_person(municipality),
        organization=company,
        title="Piano 2026",
        source_kind=WalletSource.COMPANY_PLAN,
        fund=company_fund,
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )
    funds.award(system_actor, company_fund, plan, 4_000)
    wallets.pay_from_wallet(
        system_actor, wallet=plan, merchant=coop, amount=1_500, idempotency_key="d6"
    )
    upkeep.run()
    return {"fund": fund, "other_fund": other_fund}


def _table(response, slug):
    return next(t for t in response.context["tables"] if t.slug == slug)


def test_flow_cells_equal_the_recomputation_and_count_net_spending(activity, municipality):
    assert check.differences() == []
    spent = FlowCell.objects.filter(issuer_id=municipality.pk, flow=Flow.SPEND)
    assert sum(c.amount for c in spent) == 1_200 - 200 + 800  # the void cancels itself
    assert sum(c.count for c in spent) == 2
    awarded = FlowCell.objects.get(issuer_id=municipality.pk, flow=Flow.AWARD)
    assert (awarded.amount, awarded.count, awarded.origin) == (8_000, 2, FundOrigin.REGIONAL)


def test_expiry_counts_as_expired_and_still_matches(
    activity, system_actor, make_wallet, municipality
):
    today = timezone.localdate()
    wallet = make_wallet(activity["fund"], 900, valid_until=today)
    moved = wallets.expire_wallets(
        system_actor,
        organization_ids=[municipality.pk],
        today=today + datetime.timedelta(days=2),
    )
    assert [t.amount for t in moved] == [900]
    upkeep.run()
    assert check.differences() == []
    cell = FlowCell.objects.get(flow=Flow.EXPIRE)
    assert (cell.issuer_id, cell.amount, cell.count) == (municipality.pk, 900, 1)
    transfers.reverse(system_actor, moved[0])
    upkeep.run()
    cell.refresh_from_db()
    assert (cell.amount, cell.count) == (0, 0)
    assert check.differences() == []
    assert wallet.pk


def test_comune_admin_sees_its_own_figures_only(activity, staff_client, municipality):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get(URL, {"dal": "2000-01-01"})
    assert response.status_code == 200
    origin = _table(response, "origini")
    assert origin.rows == [["Regionale", 8_000, 1_800, 0, 6_200]]
    local = _table(response, "locale")
    assert [r[1] for r in local.rows] == [1_000, 800]  # own shop vs Limena's cooperative
    content = response.content.decode()
    assert "Comune di Limena" not in content and "Meccanica" not in content
    assert "€ 18,00" in content and "<canvas" in content
    assert tables_that_scroll_on_a_phone(content) == []  # each cell under its name on a phone


def test_a_foreign_comune_or_call_in_a_filter_is_a_404(
    activity, staff_client, municipality, other_municipality
):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    assert client.get(URL, {"comune": other_municipality.pk}).status_code == 404
    assert client.get(URL + "report.pdf", {"comune": other_municipality.pk}).status_code == 404
    assert (
        client.get(URL + "tabelle/categorie.csv", {"comune": other_municipality.pk}).status_code
        == 404
    )
    assert client.get(URL, {"comune": municipality.pk}).status_code == 200


def test_bad_filters_get_an_italian_message_and_filter_nothing(
    activity, staff_client, municipality
):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get(URL, {"dal": "2026-12-01", "al": "2026-01-01", "categoria": "x"})
    assert response.status_code == 200
    assert "La data iniziale è successiva a quella finale." in response.content.decode()
    assert response.context["form"].errors["categoria"]


def test_network_sees_its_comuni_and_filters_by_one(
    activity, staff_client, network, municipality, other_municipality
):
    client, _user, _m = staff_client(Role.PLATFORM_ADMIN, network)
    response = client.get(URL, {"dal": "2000-01-01"})
    by_town = _table(response, "origini")
    assert sum(r[2] for r in by_town.rows) == 1_800 + 700 + 1_500
    response = client.get(URL, {"dal": "2000-01-01", "comune": other_municipality.pk})
    assert sum(r[2] for r in _table(response, "origini").rows) == 700


def test_company_sees_its_plan_and_the_share_to_cooperatives(
    activity, staff_client, company, municipality, make_call
):
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    response = client.get(URL, {"dal": "2000-01-01"})
    corporate = _table(response, "aziendale")
    assert corporate.rows == [["Assistenza domiciliare", 1_500, 1_500, 1.0]]
    assert "domande" not in [t.slug for t in response.context["tables"]]
    assert client.get(URL, {"comune": municipality.pk}).status_code == 404
    assert client.get(URL, {"bando": make_call().pk}).status_code == 404


def test_provider_sees_what_it_was_paid(activity, staff_client, coop, shop, municipality):
    client, _user, _m = staff_client(Role.PROVIDER_STAFF, coop)
    response = client.get(URL, {"dal": "2000-01-01"})
    issuers = _table(response, "emittenti")
    assert sorted(r[1] for r in issuers.rows) == [700, 800, 1_500]
    assert client.get(URL, {"comune": municipality.pk}).status_code == 200  # its payer
    client, _user, _m = staff_client(Role.MERCHANT_STAFF, shop, email="bepi@example.org")
    response = client.get(URL, {"dal": "2000-01-01"})
    assert sum(r[1] for r in _table(response, "emittenti").rows) == 1_000


def test_roles_without_a_dashboard_are_refused(activity, staff_client, municipality):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    assert client.get(URL).status_code == 403


def test_exports_csv_xlsx_and_pdf(activity, staff_client, municipality):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    csv = client.get(URL + "tabelle/categorie.csv", {"dal": "2000-01-01"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Categoria;Speso;Transazioni"
    assert "Alimentari;10,00;1" in text
    xlsx = client.get(URL + "tabelle/origini.xlsx", {"dal": "2000-01-01"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]] == ["Regionale", 80.0, 18.0, 0, 62.0]
    assert client.get(URL + "tabelle/nessuna.csv").status_code == 404
    report = client.get(URL + "report.pdf", {"dal": "2000-01-01"})
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


def test_filters_by_call_use_the_calls_awards(activity, staff_client, municipality, make_call):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    call = make_call()
    response = client.get(URL, {"dal": "2000-01-01", "bando": call.pk})
    assert response.status_code == 200
    assert _table(response, "bandi").rows == []  # the wallets above come from no call


def test_without_a_scheduler_the_dashboard_counts_new_payments_first(
    activity, staff_client, municipality, system_actor, shop, settings
):
    """No broker (the demo, `make run`): no beat runs the upkeep, so the page catches up."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    before = _table(client.get(URL, {"dal": "2000-01-01"}), "origini").rows[0][2]
    wallet = Wallet.objects_unscoped.filter(fund=activity["fund"]).order_by("pk").first()
    wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=300, idempotency_key="fresh"
    )
    after = _table(client.get(URL, {"dal": "2000-01-01"}), "origini").rows[0][2]
    assert after == before + 300

    settings.CELERY_TASK_ALWAYS_EAGER = False  # a beat runs it: the page only reads
    wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=200, idempotency_key="fresh2"
    )
    assert _table(client.get(URL, {"dal": "2000-01-01"}), "origini").rows[0][2] == after
