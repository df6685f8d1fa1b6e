"""The shop's end of day (issue 13, point 3): "Incassi" with a period, the days' totals, CSV and
XLSX, the day close PDF; voids labelled "Annullato" with the balance after the void; receipt
numbers per shop 1..N without gaps (derived, not stored), the same on the receipt, in the list,
in the exports, in the day close and in the debit note. Sales go through the real till page and
the POS API; another shop and a citizen see nothing."""

import csv
import datetime
import io
import re

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from benecomune.core.models import Membership, Role
from benecomune.payouts.services import debit_notes
from benecomune.vouchers.models import Redemption
from benecomune.vouchers.services import takings
from tests.helpers import login
from tests.vouchers.conftest import new_shop, qr

pytestmark = pytest.mark.django_db


def _client_for(make_user, shop, email):
    """A separate browser per shop (the `client` fixture is one session)."""
    user = make_user(email, role=Role.MERCHANT_STAFF, organization=shop)
    membership = Membership.objects.get(user=user, organization=shop, role=Role.MERCHANT_STAFF)
    return login(Client(), user, membership)


@pytest.fixture
def till(make_user, member_shop):
    return _client_for(make_user, member_shop, "cassa1@example.org")


@pytest.fixture
def other_shop(network, municipality, join):
    shop = new_shop("Panificio Rossi", network, municipality)
    join(shop, municipality)
    return shop


@pytest.fixture
def other_till(make_user, other_shop):
    return _client_for(make_user, other_shop, "cassa2@example.org")


def sell(client, wallet, amount: str):
    """Read the voucher's QR at the till page and charge `amount`: the redemption, or None
    when the till refused (the page answered with the form again)."""
    read = client.post("/gestione/cassa/", {"code": qr(wallet)}).content.decode()
    context = re.search(r'name="context" value="([^"]+)"', read).group(1)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', read).group(1)
    response = client.post(
        "/gestione/cassa/incassa/", {"amount": amount, "context": context, "idempotency_key": key}
    )
    if response.status_code != 302:
        return None
    pk = int(re.search(r"/scontrini/(\d+)/", response["Location"]).group(1))
    return Redemption.objects_unscoped.get(pk=pk)


def shown_number(client, redemption) -> int:
    html = client.get(f"/gestione/cassa/scontrini/{redemption.pk}/").content.decode()
    match = re.search(r'data-testid="receipt-number">n\. (\d+)<', html)
    return int(match.group(1))


def listed_numbers(client, query="") -> dict[int, int]:
    """{redemption id: number} as the "Incassi" page lists them."""
    html = client.get(f"/gestione/cassa/scontrini/{query}").content.decode()
    found = re.findall(r'/scontrini/(\d+)/" data-testid="receipt-number">(\d+)<', html)
    return {int(pk): int(number) for pk, number in found}


def test_receipt_numbers_have_no_gaps_per_shop(
    till, other_till, pos, voucher, make_wallet, make_fund, citizen, network, member_shop,
    other_shop, system_actor,
):  # fmt: skip
    second = make_wallet(make_fund(100_000), 5_000, person=citizen, network=network)
    a1 = sell(till, voucher, "10")
    b1 = sell(other_till, voucher, "3")
    assert sell(till, voucher, "1000") is None  # refused: more than the balance, no number
    a2 = pos("redeem", {"code": qr(second), "amount": 250})  # the shop's POS API
    assert a2.status_code == 201
    a2 = Redemption.objects_unscoped.get(pk=a2.body["id"])
    b2 = sell(other_till, second, "4,50")
    a3 = sell(till, voucher, "7")
    void = till.post(f"/gestione/cassa/scontrini/{a2.pk}/annulla/", {"reason": "errore"})
    assert void.status_code == 302
    a4 = sell(till, second, "1")
    b3 = sell(other_till, voucher, "2")

    shop_a = [a1, a2, a3, a4]
    numbers = takings.receipt_numbers(Redemption.objects_unscoped.all())
    assert [numbers[r.pk] for r in shop_a] == [1, 2, 3, 4]  # the void keeps its number
    assert [numbers[r.pk] for r in (b1, b2, b3)] == [1, 2, 3]
    assert Redemption.objects_unscoped.filter(merchant=member_shop).count() == 4

    # The receipt, the list and the till's recent sales show the same numbers.
    assert [shown_number(till, r) for r in shop_a] == [1, 2, 3, 4]
    assert [shown_number(other_till, r) for r in (b1, b2, b3)] == [1, 2, 3]
    assert listed_numbers(till) == {r.pk: numbers[r.pk] for r in shop_a}
    assert listed_numbers(other_till) == {b1.pk: 1, b2.pk: 2, b3.pk: 3}
    recent = till.get("/gestione/cassa/").content.decode()
    assert "N. 4 ·" in recent and "N. 1 ·" in recent
    assert "Annullato" in recent

    # The debit note names the receipts (and the void of n. 2 is left out: it never counted).
    (note,) = debit_notes.build_debit_notes(system_actor, member_shop)
    note = debit_notes.issue_debit_note(system_actor, note)
    html = till.get(f"/gestione/liquidazione/note/{note.pk}/").content.decode()
    assert re.findall(r'data-testid="note-receipt">n\. (\d+)<', html) == ["1", "3", "4"]
    lines = note.lines.values_list("transfer_id", flat=True)
    for transfer_id in lines:
        assert f">{transfer_id}<" not in html  # no ledger ids
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(note.pdf.read())).pages)
    assert re.findall(r"^n\. (\d+)$", text, re.M) == ["1", "3", "4"]  # the receipts
    assert "Buono (conto)" not in text and "Operazione\n" not in text


def test_a_reversal_is_named_by_the_receipt_it_cancels(till, voucher, member_shop):
    """A debit note's line may be a reversal (ledger transfer): it maps to its sale's number."""
    first = sell(till, voucher, "5")
    second = sell(till, voucher, "6")
    till.post(f"/gestione/cassa/scontrini/{second.pk}/annulla/", {"reason": "errore"})
    second.refresh_from_db()
    assert takings.receipt_number(second) == 2
    receipts = takings.receipts_for_transfers(
        member_shop.pk, [first.transfer_id, second.transfer_id, second.void_transfer_id]
    )
    assert (receipts[first.transfer_id].number, receipts[first.transfer_id].is_void) == (1, False)
    assert (receipts[second.transfer_id].number, receipts[second.transfer_id].is_void) == (
        2,
        False,
    )
    void = receipts[second.void_transfer_id]
    assert (void.number, void.is_void) == (2, True)
    assert takings.receipts_for_transfers(member_shop.pk + 1000, [first.transfer_id]) == {}


def test_voided_receipt_shows_annullato_and_the_balance_after_the_void(till, voucher):
    sell(till, voucher, "30")  # 100 -> 70
    sale = sell(till, voucher, "12,50")  # 70 -> 57,50
    till.post(f"/gestione/cassa/scontrini/{sale.pk}/annulla/", {"reason": "importo errato"})
    html = till.get(f"/gestione/cassa/scontrini/{sale.pk}/").content.decode()
    assert '<span class="badge bg-danger">Annullato</span>' in html
    assert re.search(r'data-testid="receipt-balance">€ 57,50<', html)  # after the sale
    assert re.search(r'data-testid="receipt-balance-after-void">€ 70,00<', html)
    listing = till.get("/gestione/cassa/scontrini/").content.decode()
    assert listing.count('data-testid="voided">Annullato</span>') == 1
    standing = till.get(f"/gestione/cassa/scontrini/{sale.pk - 1}/").content.decode()
    assert "receipt-balance-after-void" not in standing and "Annullato" not in standing


def test_incassi_filters_totals_and_exports(till, voucher, pos):
    old = sell(till, voucher, "20")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Redemption.objects_unscoped.filter(pk=old.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(18)))
    )
    sell(till, voucher, "10")
    voided = sell(till, voucher, "5,25")
    till.post(f"/gestione/cassa/scontrini/{voided.pk}/annulla/", {"reason": "errore"})
    assert sell(till, voucher, "999") is None  # refused: nothing listed
    pos("redeem", {"code": qr(voucher), "amount": 300})

    today_page = till.get("/gestione/cassa/scontrini/").content.decode()  # default: today
    assert len(listed_numbers(till)) == 3 and old.pk not in listed_numbers(till)
    day = {
        key: value
        for key, value in re.findall(r'data-testid="day-(\w+)">([^<]*)<', today_page)
        if key not in ("close", "totals")
    }
    assert day == {
        "count": "3",
        "gross": "€ 18,25",
        "voided": "€ 5,25",
        "net": "€ 13,00",
        "numbers": "dal n. 2 al n. 4",
    }
    assert "Annullati (1)" in today_page

    span = f"?dal={yesterday.isoformat()}&al={timezone.localdate().isoformat()}"
    both = till.get(f"/gestione/cassa/scontrini/{span}").content.decode()
    assert listed_numbers(till, span)[old.pk] == 1
    assert "Totale del periodo: 4 incassi, lordo € 38,25, annullati € 5,25, netto € 33,00" in both
    only_yesterday = f"?dal={yesterday.isoformat()}&al={yesterday.isoformat()}"
    assert set(listed_numbers(till, only_yesterday)) == {old.pk}
    bad = till.get(f"/gestione/cassa/scontrini/?dal={timezone.localdate()}&al={yesterday}")
    assert "successiva" in bad.content.decode()

    exported = till.get(f"/gestione/cassa/scontrini/{span}&formato=csv")
    assert exported["Content-Type"].startswith("text/csv")
    assert exported["Cache-Control"] == "no-store, private"
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Scontrino n."
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert [r[5] for r in rows[1:]] == ["20,00", "10,00", "5,25", "3,00"]
    assert [r[6] for r in rows[1:]] == ["Incassato", "Incassato", "Annullato", "Incassato"]
    assert rows[3][8] == "errore"

    xlsx = till.get(f"/gestione/cassa/scontrini/{span}&formato=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    sales = list(book["Incassi"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[5], r[6]) for r in sales] == [
        (1, 20.0, "Incassato"),
        (2, 10.0, "Incassato"),
        (3, 5.25, "Annullato"),
        (4, 3.0, "Incassato"),
    ]
    days = list(book["Totali per giorno"].iter_rows(min_row=2, values_only=True))
    assert days[0][1:] == (3, 18.25, 1, 5.25, 13.0)
    assert days[1][1:] == (1, 20.0, 0, 0.0, 20.0)


def test_day_close_pdf(till, voucher, member_shop):
    sell(till, voucher, "10")
    voided = sell(till, voucher, "4")
    till.post(f"/gestione/cassa/scontrini/{voided.pk}/annulla/", {"reason": "errore"})
    today = timezone.localdate()
    response = till.get(f"/gestione/cassa/chiusura/?giorno={today.isoformat()}")
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    assert "chiusura-di-cassa" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Chiusura di cassa" in text and member_shop.name in text
    assert "€ 14,00" in text  # gross
    assert "€ 10,00" in text  # net
    assert "dal n. 1 al n. 2" in text
    assert "Annullato alle" in text
    empty = till.get("/gestione/cassa/chiusura/?giorno=2020-01-01")
    assert b"%PDF" in empty.content[:10]
    bad = till.get("/gestione/cassa/chiusura/?giorno=ieri", follow=True)
    assert "Data non valida" in bad.content.decode()
    # The last day of the calendar has no next day: it was a 500.
    for far in ("9999-12-31", "0001-01-01"):
        response = till.get(f"/gestione/cassa/chiusura/?giorno={far}", follow=True)
        assert response.status_code == 200
        assert "Data non valida" in response.content.decode()


def test_another_shop_and_a_citizen_see_nothing(
    till, other_till, voucher, client, make_user, citizen
):
    sale = sell(till, voucher, "8")
    assert listed_numbers(other_till) == {}
    assert other_till.get(f"/gestione/cassa/scontrini/{sale.pk}/").status_code == 404
    csv_text = other_till.get("/gestione/cassa/scontrini/?formato=csv").content.decode("utf-8-sig")
    assert len(csv_text.strip().splitlines()) == 1  # the header only
    pdf = other_till.get("/gestione/cassa/chiusura/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Nessun incasso" in " ".join(text.split())
    login(client, make_user("anna@example.org", person=citizen))
    for path in ("scontrini/", "scontrini/?formato=csv", "chiusura/"):
        assert client.get(f"/gestione/cassa/{path}").status_code in (302, 403, 404)


def test_sales_of_the_same_instant_are_numbered_by_id(till, voucher):
    """Two tills of one shop may write the same created_at: the id breaks the tie, and a
    receipt numbered alone gets the number it has in any batch."""
    sales = [sell(till, voucher, amount) for amount in ("1", "2", "3", "4")]
    instant = sales[1].created_at
    Redemption.objects_unscoped.filter(pk__in=[sales[1].pk, sales[2].pk]).update(created_at=instant)
    rows = list(Redemption.objects_unscoped.order_by("pk"))
    alone = [takings.receipt_number(row) for row in rows]
    assert alone == [1, 2, 3, 4]
    batch = takings.receipt_numbers(rows)
    assert [batch[row.pk] for row in rows] == alone
    middle = takings.receipt_numbers(rows[2:3] + rows[1:2])  # any order, any subset
    assert (middle[rows[1].pk], middle[rows[2].pk]) == (2, 3)
