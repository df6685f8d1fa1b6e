"""The pages: citizen, till, shop, Comune, desk and the public sign-up, through Django's
client; bad input answers in Italian and changes nothing; another tenant's things are 404."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from benecomune.core.models import (
    AuditEvent,
    Job,
    Membership,
    Municipality,
    Provider,
    Role,
    User,
)
from benecomune.ledger.models import Wallet
from benecomune.ledger.services import statements
from benecomune.vouchers.models import CardStatus, CircuitMembership, Redemption, VoucherCard
from benecomune.vouchers.services import cards, codes
from tests.helpers import login
from tests.vouchers.conftest import IBAN, new_shop, qr, valid_vat

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder_client(client, make_user, citizen):
    return login(client, make_user("anna@example.org", person=citizen))


@pytest.fixture
def till_client(staff_client, member_shop):
    client, _user, _membership = staff_client(Role.MERCHANT_STAFF, member_shop)
    return client


# --- citizen ---------------------------------------------------------------------------------


def test_citizen_pays_with_qr_and_typed_code(holder_client, voucher):
    listing = holder_client.get("/area-personale/buoni/")
    assert "€ 100,00" in listing.content.decode()
    page = holder_client.get(f"/area-personale/buoni/{voucher.pk}/")
    html = page.content.decode()
    assert "<svg" in html and 'data-testid="qr-code"' in html
    token = re.search(r'data-token="([^"]+)"', html).group(1)
    assert codes.read_qr_token(token) == voucher.pk
    fragment = holder_client.get(f"/area-personale/buoni/{voucher.pk}/qr/", HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 60s"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()


def test_citizen_sees_the_shops_where_the_voucher_works(
    holder_client, voucher, member_shop, make_provider, join
):
    clothes = new_shop("Abiti", member_shop.network, member_shop.municipality, category="clothing")
    join(clothes, member_shop.municipality)
    html = holder_client.get(f"/area-personale/buoni/{voucher.pk}/negozi/").content.decode()
    assert member_shop.name in html
    assert "Abiti" not in html  # clothing is not among the voucher's categories
    assert "Via Roma 1" in html
    searched = holder_client.get(f"/area-personale/buoni/{voucher.pk}/negozi/?q=zzz").content
    assert member_shop.name not in searched.decode()


def test_citizen_card_issue_reload_block_pdf(holder_client, voucher):
    url = f"/area-personale/buoni/{voucher.pk}/tessera/"
    bad = holder_client.post(url, {"pin": "1234", "pin_again": "1234"})
    assert "troppo facile" in bad.content.decode()
    assert not VoucherCard.objects_unscoped.exists()
    mismatch = holder_client.post(url, {"pin": "2468", "pin_again": "2469"})
    assert "non coincidono" in mismatch.content.decode()
    response = holder_client.post(url, {"pin": "2468", "pin_again": "2468"})
    assert response.status_code == 302
    shown = holder_client.get(url).content.decode()
    assert "2468" in shown
    assert "2468" not in holder_client.get(url).content.decode()  # shown once
    assert VoucherCard.objects_unscoped.count() == 1  # a reload issues nothing
    pdf = holder_client.get(f"/area-personale/buoni/{voucher.pk}/tessera.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    holder_client.post(f"/area-personale/buoni/{voucher.pk}/tessera/blocca/")
    assert VoucherCard.objects_unscoped.get().status == CardStatus.BLOCKED
    assert holder_client.get(f"/area-personale/buoni/{voucher.pk}/tessera.pdf").status_code == 404


def test_another_persons_voucher_is_not_found(
    client, make_user, make_person, municipality, voucher
):
    login(
        client, make_user("other@example.org", person=make_person(municipality, first_name="Ugo"))
    )
    for path in ("", "qr/", "negozi/", "tessera/", "tessera.pdf"):
        assert client.get(f"/area-personale/buoni/{voucher.pk}/{path}").status_code == 404


# --- till ------------------------------------------------------------------------------------


def test_till_reads_charges_and_voids(till_client, voucher, member_shop):
    page = till_client.get("/gestione/cassa/")
    assert "Leggi il buono" in page.content.decode()
    read = till_client.post("/gestione/cassa/", {"code": qr(voucher)}, HTTP_HX_REQUEST="true")
    html = read.content.decode()
    assert "Spendibile in questo negozio" in html
    assert "€ 100,00" in html
    context = re.search(r'name="context" value="([^"]+)"', html).group(1)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)
    charge = till_client.post(
        "/gestione/cassa/incassa/", {"amount": "12,50", "context": context, "idempotency_key": key}
    )
    assert charge.status_code == 302
    again = till_client.post(
        "/gestione/cassa/incassa/", {"amount": "12,50", "context": context, "idempotency_key": key}
    )
    assert again["Location"] == charge["Location"]  # a double tap charges once
    assert statements.balance(voucher.account) == 8_750
    receipt = till_client.get(charge["Location"]).content.decode()
    assert "€ 12,50" in receipt and "€ 87,50" in receipt and "Anna B." in receipt
    redemption = Redemption.objects_unscoped.get()
    till_client.post(f"/gestione/cassa/scontrini/{redemption.pk}/annulla/", {"reason": "errore"})
    assert statements.balance(voucher.account) == 10_000
    voided = till_client.get(charge["Location"]).content.decode()
    assert ">Annullato</span>" in voided and "€ 100,00" in voided  # the balance after the void


def test_till_refuses_in_italian_and_charges_nothing(till_client, voucher):
    unknown = till_client.post("/gestione/cassa/", {"code": "BC1.X.Y.Z"})
    assert "Codice QR non valido" in unknown.content.decode()
    read = till_client.post("/gestione/cassa/", {"code": qr(voucher)}).content.decode()
    context = re.search(r'name="context" value="([^"]+)"', read).group(1)
    for n, (amount, message) in enumerate(
        [("100,01", "Saldo insufficiente"), ("zero", "Importo non valido")]
    ):
        response = till_client.post(
            "/gestione/cassa/incassa/",
            {"amount": amount, "context": context, "idempotency_key": f"k{n}"},
        )
        assert message in response.content.decode()
    forged = till_client.post(
        "/gestione/cassa/incassa/",
        {"amount": "1", "context": context + "x", "idempotency_key": "z"},
    )
    assert forged.status_code == 302
    assert forged["Location"] == "/gestione/cassa/"
    assert statements.balance(voucher.account) == 10_000


def test_till_shows_why_a_voucher_is_not_spendable_here(till_client, voucher):
    Wallet.objects_unscoped.filter(pk=voucher.pk).update(allowed_categories=["pharmacy"])
    html = till_client.post("/gestione/cassa/", {"code": qr(voucher)}).content.decode()
    assert "Non spendibile qui." in html
    assert "farmacia" in html
    assert 'name="amount"' not in html


def test_till_void_window_and_other_shops_receipts(
    till_client, voucher, staff_client, network, municipality, join
):
    read = till_client.post("/gestione/cassa/", {"code": qr(voucher)}).content.decode()
    context = re.search(r'name="context" value="([^"]+)"', read).group(1)
    till_client.post(
        "/gestione/cassa/incassa/", {"amount": "5", "context": context, "idempotency_key": "a"}
    )
    redemption = Redemption.objects_unscoped.get()
    Redemption.objects_unscoped.filter(pk=redemption.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    page = till_client.get(f"/gestione/cassa/scontrini/{redemption.pk}/").content.decode()
    assert "Annulla l&#x27;incasso" not in page
    late = till_client.post(f"/gestione/cassa/scontrini/{redemption.pk}/annulla/", follow=True)
    assert "più di 15 minuti" in late.content.decode()
    other = new_shop("Altro", network, municipality)
    join(other, municipality)
    other_client, _u, _m = staff_client(Role.MERCHANT_STAFF, other, email="altro@example.org")
    assert other_client.get(f"/gestione/cassa/scontrini/{redemption.pk}/").status_code == 404
    assert (
        other_client.post(f"/gestione/cassa/scontrini/{redemption.pk}/annulla/").status_code == 404
    )
    assert statements.balance(voucher.account) == 9_500


def test_merchant_home_card(till_client, staff_client, shop):
    assert "Cassa dei buoni" in till_client.get("/").content.decode()


# --- shop ------------------------------------------------------------------------------------


def test_shop_asks_to_join_and_accepts_the_convention(staff_client, shop, municipality, network):
    client, user, _m = staff_client(Role.MERCHANT_STAFF, shop)
    home = client.get("/").content.decode()
    assert "La cassa non è ancora attiva" in home
    data = {
        "circuit": str(network.pk),
        "category": "grocery",
        "vat_number": shop.vat_number,
        "iban": "IT60X0542811101000000123457",  # wrong check digits
        "iban_holder": "Bepi",
        "address": "Via Roma 1",
        "municipality": municipality.pk,
        "points_of_sale": "Centro - Via Roma 1",
        "contact_name": "Bepi",
        "contact_email": "bepi@example.org",
    }
    bad = client.post("/gestione/esercente/adesione/", data)
    assert "non è valido" in bad.content.decode()
    assert not CircuitMembership.objects_unscoped.exists()
    data["iban"] = IBAN
    assert client.post("/gestione/esercente/adesione/", data).status_code == 302
    membership = CircuitMembership.objects_unscoped.get()
    assert membership.organization_id == network.pk
    convention = client.get(f"/gestione/esercente/adesione/{membership.pk}/convenzione/")
    assert "CONVENZIONE" in convention.content.decode()
    client.post(f"/gestione/esercente/adesione/{membership.pk}/convenzione/")
    membership.refresh_from_db()
    assert membership.convention_accepted_by == user


def test_shop_staff_page(staff_client, shop, django_capture_on_commit_callbacks):
    client, _user, _m = staff_client(Role.MERCHANT_STAFF, shop)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/gestione/esercente/personale/",
            {"full_name": "Carla Rossi", "email": "carla@example.org"},
        )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["carla@example.org"]
    carla = Membership.objects.get(user__email="carla@example.org")
    client.post(f"/gestione/esercente/personale/{carla.pk}/togli/")
    carla.refresh_from_db()
    assert not carla.is_active
    bad = client.post("/gestione/esercente/personale/", {"full_name": "X", "email": "non-una-mail"})
    assert "e-mail" in bad.content.decode().lower()


# --- Comune ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(staff_client, municipality):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    return client


def test_comune_decides_on_requests(admin_client, shop, municipality, join):
    membership = join(shop, municipality, approve=False, accept=False)
    listing = admin_client.get("/gestione/circuito/?stato=pending").content.decode()
    assert (shop.name in listing and "1 richiesta" in listing.lower()) or "Una richiesta" in listing
    detail = admin_client.get(f"/gestione/circuito/{membership.pk}/").content.decode()
    assert IBAN in detail
    no_reason = admin_client.post(
        f"/gestione/circuito/{membership.pk}/reject/", {"reason": ""}, follow=True
    )
    assert "Indichi il motivo" in no_reason.content.decode()
    membership.refresh_from_db()
    assert membership.status == "pending"
    admin_client.post(f"/gestione/circuito/{membership.pk}/approve/", {"reason": ""})
    membership.refresh_from_db()
    assert membership.status == "approved"
    csv = admin_client.get("/gestione/circuito/?formato=csv")
    assert shop.vat_number in csv.content.decode("utf-8-sig")
    search = admin_client.get("/gestione/circuito/?q=via+roma").content.decode()
    assert shop.name in search


def test_other_comunes_circuit_is_not_found(admin_client, shop, other_municipality, join):
    membership = join(shop, other_municipality)
    assert admin_client.get(f"/gestione/circuito/{membership.pk}/").status_code == 404
    assert (
        admin_client.post(
            f"/gestione/circuito/{membership.pk}/suspend/", {"reason": "x"}
        ).status_code
        == 404
    )


def test_network_circuit_is_read_only_for_a_comune(admin_client, shop, network, join):
    membership = join(shop, network)
    detail = admin_client.get(f"/gestione/circuito/{membership.pk}/").content.decode()
    assert "decide l'amministrazione della rete" in detail
    admin_client.post(f"/gestione/circuito/{membership.pk}/suspend/", {"reason": "x"})
    membership.refresh_from_db()
    assert membership.status == "approved"


def test_spending_report_and_expiry_job(
    admin_client, voucher, member_shop, system_actor, ctx, django_capture_on_commit_callbacks
):
    from benecomune.vouchers.services.redeem import redeem

    redeem(system_actor, ctx, code=qr(voucher), amount=2_000, idempotency_key="s1")
    html = admin_client.get("/gestione/circuito/spesa/").content.decode()
    assert member_shop.name in html
    assert "100.0%" in html or "100,0%" in html  # the shop's seat is in the Comune
    assert "€ 80,00" in html  # unspent
    Wallet.objects_unscoped.filter(pk=voucher.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/gestione/circuito/scadenze/")
    job = Job.objects_unscoped.get()
    assert response["Location"] == f"/gestione/lavori/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "done"
    assert job.result == {"wallets": 1, "cents": 8_000}
    assert "€ 80,00" in job.message
    assert statements.balance(voucher.account) == 0


def test_spending_report_with_a_day_at_the_end_of_the_calendar_is_no_error(
    admin_client, voucher, member_shop, system_actor, ctx
):
    """?dal=0001-01-01&al=9999-12-31 in the address made the report's period overflow (500):
    such a day is refused like a malformed one, and the report shows every payment."""
    from benecomune.vouchers.services.redeem import redeem

    redeem(system_actor, ctx, code=qr(voucher), amount=2_000, idempotency_key="far-days")
    response = admin_client.get("/gestione/circuito/spesa/?dal=0001-01-01&al=9999-12-31")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Data non valida: la scelga dal calendario." in html
    assert member_shop.name in html
    assert admin_client.get("/gestione/circuito/spesa/?al=9999-12-30").status_code == 200


# --- desk ------------------------------------------------------------------------------------


def test_desk_operator_prints_a_card_for_a_citizen(staff_client, municipality, voucher, citizen):
    client, _u, _m = staff_client(Role.DESK_OPERATOR, municipality)
    found = client.get(f"/gestione/buoni/tessere/?q={citizen.fiscal_code}").content.decode()
    assert citizen.full_name in found
    person = client.get(f"/gestione/buoni/persone/{citizen.pk}/").content.decode()
    assert voucher.title in person
    url = f"/gestione/buoni/{voucher.pk}/tessera/"
    form = {f"w{voucher.pk}-pin": "", f"w{voucher.pk}-pin_again": ""}
    refused = client.post(url, form, follow=True).content.decode()
    assert "Indichi come il cittadino ha dato il consenso" in refused
    assert not VoucherCard.objects_unscoped.exists()
    form[f"w{voucher.pk}-consent_note"] = "di persona, carta d'identità"
    response = client.post(url, form)
    assert response.status_code == 302
    event = AuditEvent.objects_unscoped.get(action="vouchers.card_issued")
    assert citizen.fiscal_code in event.reason and "carta d'identità" in event.reason
    issued = client.get(response["Location"]).content.decode()
    pin = re.search(r'data-testid="issued-pin">(\d+)<', issued).group(1)
    assert cards.pin_matches(VoucherCard.objects_unscoped.get(), pin)
    assert client.get(response["Location"]).status_code == 302  # the PIN is shown once
    assert client.get(f"/gestione/buoni/{voucher.pk}/tessera.pdf").content.startswith(b"%PDF")
    client.post(f"/gestione/buoni/{voucher.pk}/tessera/blocca/")
    assert VoucherCard.objects_unscoped.get().status == CardStatus.BLOCKED


def test_desk_of_another_comune_does_not_find_the_voucher(
    staff_client, other_municipality, voucher, citizen
):
    client, _u, _m = staff_client(Role.DESK_OPERATOR, other_municipality)
    assert client.get(f"/gestione/buoni/persone/{citizen.pk}/").status_code == 404
    assert client.post(f"/gestione/buoni/{voucher.pk}/tessera/", {}).status_code == 404


# --- public sign-up -------------------------------------------------------------------------


def _signup_data(municipality, **extra):
    data = {
        "name": "Ortofrutta Verde",
        "municipality": municipality.pk,
        "circuit": str(municipality.pk),
        "category": "grocery",
        "vat_number": valid_vat(),
        "address": "Via Verdi 4",
        "iban": IBAN,
        "iban_holder": "Ortofrutta Verde snc",
        "points_of_sale": "Via Verdi 4",
        "contact_name": "Gino Verde",
        "contact_phone": "",
        "email": "gino@example.org",
        "accept_privacy": "on",
        "website": "",
    }
    data.update(extra)
    return data


def test_public_signup(client, municipality, django_capture_on_commit_callbacks):
    page = client.get("/esercente/aderisci/")
    assert "CONVENZIONE" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/esercente/aderisci/", _signup_data(municipality))
    assert response["Location"] == "/esercente/aderisci/inviata/"
    shop = Provider.objects.get(name="Ortofrutta Verde")
    assert not shop.is_active
    assert User.objects.get(email="gino@example.org").memberships.get().organization_id == shop.pk
    assert any("/password/nuova/" in m.body for m in mail.outbox)


def test_public_signup_bad_input_and_bots(client, municipality):
    bad = client.post(
        "/esercente/aderisci/", _signup_data(municipality, vat_number="1", iban="IT1")
    )
    html = bad.content.decode()
    assert "partita IVA 1 non è valida" in html and "IBAN IT1 non è valido" in html
    bot = client.post("/esercente/aderisci/", _signup_data(municipality, website="http://spam"))
    assert bot.status_code == 302
    wrong_circuit = Municipality.objects.create(
        name="Lontano", slug="lontano", istat_code="099999", network=None
    )
    elsewhere = client.post(
        "/esercente/aderisci/", _signup_data(municipality, circuit=str(wrong_circuit.pk))
    )
    assert "Scelga il circuito del Comune della sede" in elsewhere.content.decode()
    assert not Provider.objects.filter(name="Ortofrutta Verde").exists()


def test_public_page_lists_the_circuit_shops(client, member_shop, municipality):
    html = client.get(f"/{municipality.slug}/").content.decode()
    assert "Negozi dove si spendono i buoni" in html
    assert member_shop.name in html
    assert "/esercente/aderisci/" in html
