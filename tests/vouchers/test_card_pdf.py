"""The printed card for people without a phone, generated through the real pages and read
back with pypdf: large print, expiry, balance at issue, where to spend it, the Comune's help
phone, instructions without a personal area, and the PIN only on a separate slip page."""

import io
import re

import pytest
from pypdf import PdfReader

from benecomune.core.models import Role
from benecomune.core.services.organizations import create_municipality
from benecomune.vouchers import pdf
from benecomune.vouchers.models import VoucherCard
from benecomune.vouchers.services import cards
from benecomune.vouchers.services import circuit as circuit_services
from tests.helpers import login
from tests.vouchers.conftest import IBAN, valid_vat

pytestmark = pytest.mark.django_db

PHONE = "049 9590111"
PIN = "583920"  # six digits: cannot turn up by chance inside the other numbers of the card


@pytest.fixture
def municipality(network, system_actor):
    """The Comune, created by its service with its contact phone."""
    return create_municipality(
        system_actor,
        network,
        name="Piazzola sul Brenta",
        slug="piazzola-sul-brenta",
        istat_code="028063",
        cadastral_code="G587",
        province="PD",
        phone=PHONE,
        email="servizisociali@comune.piazzola.pd.it",
    )


@pytest.fixture
def holder_client(client, make_user, citizen):
    return login(client, make_user("anna@example.org", person=citizen))


@pytest.fixture
def shops(make_provider, municipality, system_actor):
    """shops(n): n grocery shops in the Comune's circuit, each with its own address."""

    def make(n):
        made = []
        for i in range(1, n + 1):
            shop = make_provider(f"Bottega {i:02d}", category="grocery")
            membership = circuit_services.request_membership(
                system_actor,
                shop,
                municipality,
                category="grocery",
                vat_number=valid_vat(),
                iban=IBAN,
                iban_holder=shop.name,
                address=f"Via Garibaldi {i}",
                municipality=municipality,
                points_of_sale=[("Negozio", f"Via Garibaldi {i}")],
            )
            membership = circuit_services.approve(system_actor, membership)
            circuit_services.accept_convention(system_actor, membership)
            made.append(shop)
        return made

    return make


def pages(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def smallest_text(content: bytes) -> float:
    """The smallest font size (in points, as drawn) of any text in the PDF."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.append(size * abs(tm[3] or 1) * abs(cm[3] or 1))

    for page in PdfReader(io.BytesIO(content)).pages:
        page.extract_text(visitor_text=visit)
    assert sizes
    return min(sizes)


def issue_as_citizen(holder_client, voucher) -> str:
    url = f"/area-personale/buoni/{voucher.pk}/tessera/"
    assert holder_client.post(url, {"pin": PIN, "pin_again": PIN}).status_code == 302
    page = holder_client.get(url).content.decode()
    assert PIN in page and "foglio del PIN" in page
    return f"/area-personale/buoni/{voucher.pk}/tessera.pdf"


def test_card_page_has_what_a_person_without_a_phone_needs(holder_client, voucher, shops):
    made = shops(3)
    content = holder_client.get(issue_as_citizen(holder_client, voucher)).content
    card, slip = pages(content)
    number = VoucherCard.objects_unscoped.get().display_number
    assert number in card
    assert "Anna Bianchi" in card
    assert voucher.valid_until.strftime("%d/%m/%Y") in card  # expiry
    assert "Saldo all'emissione: € 100,00" in card
    for i, shop in enumerate(made, 1):
        assert shop.name in card
        assert f"Via Garibaldi {i}, Piazzola sul Brenta" in card
    assert "altri 0" not in card and "negozi: chieda" not in card
    assert PHONE in card  # the Comune's help phone
    assert "Mostri questa tessera alla cassa" in card
    assert "QR o digita il codice" in card
    assert "area personale" not in card.lower()
    # The PIN is on the slip only, which says to keep it apart.
    assert PIN not in card
    assert PIN in slip
    assert "Tenga il PIN separato dalla tessera" in slip
    assert number not in slip and number[-4:] in slip
    # Large print everywhere, on both pages.
    assert pdf.BODY_FONT_SIZE >= 12 and pdf.HEADING_FONT_SIZE > pdf.BODY_FONT_SIZE
    assert smallest_text(content) >= 12


def test_long_list_of_shops_ends_with_the_phone_to_ask(holder_client, voucher, shops):
    made = shops(pdf.MAX_SHOPS + 3)
    card, _slip = pages(holder_client.get(issue_as_citizen(holder_client, voucher)).content)
    listed = [s for s in made if s.name in card]
    assert len(listed) == pdf.MAX_SHOPS
    assert f"e altri 3 negozi: chieda al numero {PHONE}" in card
    assert "Per aiuto" in card  # the longest card still fits its page


def test_later_pdf_has_no_pin_and_keeps_the_balance_at_issue(
    holder_client, staff_client, municipality, voucher, shops, system_actor
):
    shops(1)
    first = pages(holder_client.get(issue_as_citizen(holder_client, voucher)).content)
    assert len(first) == 2
    # Another session (the desk) prints the same card later: the PIN is known to nobody.
    desk, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    later = pages(desk.get(f"/gestione/buoni/{voucher.pk}/tessera.pdf").content)
    assert len(later) == 1
    assert PIN not in later[0]
    assert "Saldo all'emissione: € 100,00" in later[0]


def test_desk_prints_card_and_pin_slip(staff_client, municipality, voucher, citizen):
    desk, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    response = desk.post(
        f"/gestione/buoni/{voucher.pk}/tessera/",
        {
            f"w{voucher.pk}-pin": "",
            f"w{voucher.pk}-pin_again": "",
            f"w{voucher.pk}-consent_note": "di persona, documento verificato",
        },
    )
    issued = desk.get(response["Location"]).content.decode()
    pin = re.search(r'data-testid="issued-pin">(\d+)<', issued).group(1)
    assert cards.pin_matches(VoucherCard.objects_unscoped.get(), pin)
    card, slip = pages(desk.get(f"/gestione/buoni/{voucher.pk}/tessera.pdf").content)
    number = VoucherCard.objects_unscoped.get().display_number
    assert pin not in card.replace(number, "")  # (a generated PIN could be inside the number)
    assert pin in slip
    assert "Per aiuto" in card and PHONE in card
    # No shop in the circuit yet: the card says whom to ask.
    assert f"Per sapere in quali negozi usarla, chieda al numero {PHONE}" in card
