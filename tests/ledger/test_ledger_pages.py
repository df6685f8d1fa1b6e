"""Pages: citizens see their own wallets only; a Comune's staff see their own funds only."""

import pytest
from django.urls import reverse

from benecomune.core.models import Municipality, Role
from benecomune.ledger.models import Fund, Transfer, TransferKind
from benecomune.ledger.services import holds, wallets
from tests.helpers import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("base_template")]


@pytest.fixture
def citizen(
    client, make_user, make_fund, make_wallet, municipality, shop, system_actor, make_person
):
    person = make_person(municipality, first_name="Anna", last_name="Bianchi", sex="F")
    wallet = make_wallet(
        make_fund(50_000), 12_345, person=person, categories=["grocery"], territory=[municipality]
    )
    wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=2_000, idempotency_key="page-pay"
    )
    user = make_user("anna@example.org", person=person)
    login(client, user)
    return client, wallet


def test_citizen_sees_own_wallets_and_rules(citizen):
    client, wallet = citizen
    page = client.get(reverse("ledger:wallets"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "€ 103,45" in html
    assert "Non è trasferibile e non si converte in denaro." in html
    detail = client.get(reverse("ledger:wallet_detail", args=[wallet.pk]))
    assert detail.status_code == 200
    assert "Alimentari Da Bepi" in detail.content.decode()
    assert "-€ 20,00" in detail.content.decode()


def test_citizen_cannot_see_another_persons_wallet(citizen, make_wallet, make_fund):
    client, _wallet = citizen
    other = make_wallet(make_fund(1_000), 500)
    assert client.get(reverse("ledger:wallet_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("ledger:wallet_csv", args=[other.pk])).status_code == 404


def test_wallet_csv_export(citizen):
    client, wallet = citizen
    response = client.get(reverse("ledger:wallet_csv", args=[wallet.pk]))
    assert response.status_code == 200
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("Data e ora;Numero movimento;Descrizione")
    assert lines[1].endswith(";123,45;123,45")
    assert lines[2].endswith(";Alimentari Da Bepi;-20,00;103,45")


def test_wallet_csv_does_not_let_a_shop_name_run_as_a_formula(
    client, make_user, make_fund, make_wallet, municipality, shop, system_actor, make_person
):
    """A shop chooses its own name when it asks to join: one starting with "=" reached the
    citizen's statement CSV as is, and a spreadsheet would run it as a formula."""
    shop.name = '=HYPERLINK("http://example.org/x";"Bottega")'
    shop.save(update_fields=["name"])
    person = make_person(municipality, first_name="Rita", last_name="Verdi", sex="F")
    wallet = make_wallet(
        make_fund(50_000), 5_000, person=person, categories=["grocery"], territory=[municipality]
    )
    wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=1_000, idempotency_key="csv-formula"
    )
    login(client, make_user("rita@example.org", person=person))
    body = client.get(reverse("ledger:wallet_csv", args=[wallet.pk])).content.decode("utf-8")
    payment = body.strip().splitlines()[2]
    assert ";\"'=HYPERLINK(" in payment or ";'=HYPERLINK(" in payment
    assert ";=HYPERLINK(" not in payment and ';"=HYPERLINK(' not in payment
    assert payment.endswith(";-10,00;40,00")  # amounts stay numbers


def test_a_statement_period_at_the_end_of_the_calendar_is_no_error(citizen):
    """?dal=0001-01-01 or ?al=9999-12-31 made the statement's day bounds overflow (500 on the
    page and on the CSV): such a day is left out like a malformed one."""
    client, wallet = citizen
    for query in ("?dal=0001-01-01", "?al=9999-12-31", "?dal=0001-01-01&al=9999-12-31"):
        page = client.get(reverse("ledger:wallet_detail", args=[wallet.pk]) + query)
        assert page.status_code == 200
        assert "-€ 20,00" in page.content.decode()
        csv = client.get(reverse("ledger:wallet_csv", args=[wallet.pk]) + query)
        assert csv.status_code == 200
        assert csv.content.decode("utf-8").strip().splitlines()[2].endswith(";-20,00;103,45")


@pytest.fixture
def admin_a(staff_client, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    return client


def test_admin_creates_fund_and_registers_contribution(admin_a, municipality):
    response = admin_a.post(
        reverse("ledger:fund_create"),
        {
            "name": "Fondo povertà 2026",
            "origin": "regional",
            "legal_basis": "DGR Veneto n. 123/2026",
        },
    )
    assert response.status_code == 302
    fund = Fund.objects_unscoped.get(name="Fondo povertà 2026")
    assert fund.organization_id == municipality.pk
    form = admin_a.get(reverse("ledger:contribution_create", args=[fund.pk]))
    key = form.context["form"].initial["idempotency_key"]
    data = {"contributor": "Regione del Veneto", "amount": "1.234,56", "idempotency_key": key}
    assert (
        admin_a.post(reverse("ledger:contribution_create", args=[fund.pk]), data).status_code == 302
    )
    # The same form submitted twice records one contribution.
    admin_a.post(reverse("ledger:contribution_create", args=[fund.pk]), data)
    assert (
        Transfer.objects.filter(kind=TransferKind.CONTRIBUTION, credit_account=fund.account).count()
        == 1
    )
    detail = admin_a.get(reverse("ledger:fund_detail", args=[fund.pk]))
    html = detail.content.decode()
    assert "€ 1.234,56" in html and "Regione del Veneto" in html
    csv = admin_a.get(reverse("ledger:fund_csv", args=[fund.pk])).content.decode()
    assert ";1234,56;1234,56" in csv
    listing = admin_a.get(reverse("ledger:funds")).content.decode()
    assert "Fondo povertà 2026" in listing


def test_bad_amount_gets_a_clear_message(admin_a, make_fund):
    fund = make_fund()
    response = admin_a.post(
        reverse("ledger:contribution_create", args=[fund.pk]),
        {"contributor": "Regione", "amount": "12,345", "idempotency_key": "k"},
    )
    assert response.status_code == 200
    assert "al massimo due decimali" in response.content.decode()
    assert not Transfer.objects.filter(credit_account=fund.account).exists()


def test_admin_of_another_comune_gets_404(staff_client, network, make_fund):
    fund = make_fund(10_000)
    other = Municipality.objects.create(
        name="Campo San Martino", slug="campo-san-martino", istat_code="028021", network=network
    )
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, other)
    assert client.get(reverse("ledger:fund_detail", args=[fund.pk])).status_code == 404
    assert client.get(reverse("ledger:fund_csv", args=[fund.pk])).status_code == 404
    assert client.get(reverse("ledger:contribution_create", args=[fund.pk])).status_code == 404
    assert fund.name not in client.get(reverse("ledger:funds")).content.decode()


def test_citizen_cannot_open_staff_pages(citizen):
    client, _wallet = citizen
    assert client.get(reverse("ledger:funds")).status_code == 403


def test_citizen_home_card_and_navigation(citizen):
    client, _wallet = citizen
    html = client.get(reverse("core:home")).content.decode()
    assert "I miei buoni" in html and "€ 103,45" in html
    assert reverse("ledger:wallets") in html


def test_admin_home_card_and_navigation(admin_a, make_fund):
    make_fund(10_000)
    html = admin_a.get(reverse("core:home")).content.decode()
    assert reverse("ledger:funds") in html and "€ 100,00" in html


def test_money_held_for_a_purchase_in_progress_is_not_shown_as_to_spend(
    citizen, system_actor, shop
):
    """A booking or an order holds money on the wallet until it is delivered: the citizen's
    pages (home card, wallets, a wallet's page, "Paga con i buoni") show what is left to
    spend, as the checkout counts it, and say what is held (they showed the whole balance)."""
    client, wallet = citizen
    holds.authorise(
        system_actor, wallet=wallet, merchant=shop, amount=3_000, idempotency_key="page-hold"
    )
    home = client.get(reverse("core:home")).content.decode()
    assert "€ 73,45 da spendere" in home
    listing = client.get(reverse("ledger:wallets")).content.decode()
    assert "€ 73,45" in listing and "€ 103,45" not in listing
    assert "più € 30,00 bloccati per prenotazioni, ordini o rimborsi in corso" in listing
    detail = client.get(reverse("ledger:wallet_detail", args=[wallet.pk])).content.decode()
    assert 'data-testid="wallet-balance">€ 73,45<' in detail
    assert "In più € 30,00 sono bloccati" in detail
    pay_list = client.get(reverse("vouchers:wallets")).content.decode()
    assert "€ 73,45" in pay_list and "€ 103,45" not in pay_list
