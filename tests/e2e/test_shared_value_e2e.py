"""Shared value end to end in Chromium, on a phone and a desktop (axe-core checks every page):
the Comune's admin creates a social project and opens it, proposes an agreement to a shop of
its circuit, the shop accepts it from its pages (and refuses a second one, for the next year,
with a reason), a voucher pays at the shop's till (the real
till service), and an anonymous visitor sees the raised amount and the shop on the public
project page; then the admin changes the project's IBAN from the projects' page. The network's
admin finds the network's own project on its shared value page (not the Comune's) and opens
its public page and the network's."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from benecomune.core.models import Role
from benecomune.observatory.models import SocialProject
from benecomune.observatory.services import shared_value as sv
from benecomune.vouchers.services import redeem as redeem_services
from tests.e2e.helpers import PHONE, assert_fits, sign_in, use_voucher_fixtures
from tests.observatory import shared_value_helpers as h
from tests.payouts.conftest import new_iban
from tests.vouchers.conftest import new_key, qr

use_voucher_fixtures(globals(), "cashier", "cashier_actor", "ctx")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Doposcuola solidale"


def _select(page, label, text):
    select = page.get_by_role("combobox", name=label)
    value = select.locator("option", has_text=text).first.get_attribute("value")
    select.select_option(value)


@pytest.mark.parametrize("width", [390, 1280])
def test_project_agreement_payment_and_public_page(
    live_server, page_for, screenshot_dir, width, make_user, municipality, network,
    member_shop, cashier_actor, ctx, voucher,
):  # fmt: skip
    base = live_server.url
    size = PHONE if width == 390 else {"width": width, "height": 900}
    today = timezone.localdate()
    body = h.body(network, municipality)
    admin = make_user("sv.e2e@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    shopkeeper = make_user(
        "negozio.sv.e2e@example.org", role=Role.MERCHANT_STAFF, organization=member_shop
    )

    def snap(page, name):
        page.screenshot(path=screenshot_dir / f"sv-{width}-{name}.png", full_page=True)
        assert_fits(page, width)

    # 1. The Comune creates the project and opens it to the fundraising.
    comune = page_for(**size)
    sign_in(comune, base, admin)
    comune.goto(f"{base}/gestione/valore-condiviso/")
    comune.get_by_role("link", name="Nuovo progetto").click()
    comune.get_by_label("Titolo").fill(TITLE)
    comune.get_by_label("Descrizione").fill("Un doposcuola gratuito per i ragazzi del quartiere.")
    comune.get_by_label("Obiettivo da raccogliere").fill("1.000,00")
    _select(comune, "Ente beneficiario", body.name)
    comune.get_by_label("IBAN dell'ente beneficiario").fill(h.IBAN)
    comune.get_by_label("Inizio").fill(today.isoformat())
    snap(comune, "01-project-form")
    comune.get_by_role("button", name="Salva").click()
    expect(comune.get_by_text("Progetto creato")).to_be_visible()
    comune.get_by_role("button", name="Apri alla raccolta").click()
    expect(comune.get_by_text("Stato del progetto aggiornato")).to_be_visible()
    project = SocialProject.objects_unscoped.get(title=TITLE)

    # 2. ... and proposes an agreement to the shop: 10 % of the public vouchers.
    comune.get_by_role("link", name="Nuovo accordo").click()
    _select(comune, "Esercente o fornitore", member_shop.name)
    _select(comune, "Progetto", TITLE)
    comune.get_by_role("combobox", name="Modalità").select_option("percent")
    comune.get_by_label("Quota sui buoni pubblici").fill("10")
    comune.get_by_label("Valido dal").fill((today - datetime.timedelta(days=1)).isoformat())
    comune.get_by_label("Valido fino al").fill((today + datetime.timedelta(days=365)).isoformat())
    comune.get_by_role("button", name="Salva").click()
    expect(comune.get_by_text("Accordo proposto")).to_be_visible()
    expect(comune.get_by_text("In attesa dell'esercente")).to_be_visible()
    snap(comune, "02-manage")

    # 3. The shop accepts it from its pages, agreeing to be named.
    shop = page_for(**size)
    sign_in(shop, base, shopkeeper)
    shop.goto(f"{base}/gestione/esercente/valore-condiviso/")
    expect(shop.get_by_role("heading", name=TITLE)).to_be_visible()
    snap(shop, "03-merchant")
    shop.get_by_role("button", name="Accetto l'accordo").click()
    expect(shop.get_by_text("Accordo accettato").first).to_be_visible()

    # 3b. A second proposal, for the next year, the shop refuses with a reason.
    later = today + datetime.timedelta(days=400)
    comune_actor = h.comune_actor(make_user, municipality)
    h.proposal(comune_actor, municipality, member_shop, project, start=later,
               end=later + datetime.timedelta(days=30))  # fmt: skip
    shop.reload()
    shop.get_by_role("link", name=f"Rifiuto la proposta per il progetto {TITLE}").click()
    shop.get_by_role("button", name="Rifiuto la proposta").click()
    expect(shop.get_by_text("Indichi il motivo del rifiuto.")).to_be_visible()
    snap(shop, "03b-refuse-form")
    shop.get_by_label("Motivo del rifiuto").fill("L'anno prossimo cambiamo sede.")
    shop.get_by_role("button", name="Rifiuto la proposta").click()
    expect(shop.get_by_text("Proposta rifiutata")).to_be_visible()
    expect(shop.get_by_text("L'anno prossimo cambiamo sede.")).to_be_visible()
    expect(shop.get_by_text("Rifiutato il")).to_be_visible()

    # 4. A voucher pays 25,50 euro at the shop's till: 2,55 euro to the project.
    redeem_services.redeem(
        cashier_actor, ctx, amount=2_550, idempotency_key=new_key(), code=qr(voucher)
    )

    # 5. Anyone sees the raised amount and the shop on the public project page.
    visitor = page_for(**size)
    visitor.goto(f"{base}/valore-condiviso/progetti/{project.pk}/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    expect(visitor.get_by_text("Raccolti € 2,55 su € 1.000,00 (0%)")).to_be_visible()
    expect(visitor.get_by_role("listitem").filter(has_text=member_shop.name)).to_contain_text(
        "€ 2,55"
    )
    snap(visitor, "04-public-project")
    visitor.goto(f"{base}/valore-condiviso/comuni/{municipality.pk}/")
    expect(visitor.get_by_text(TITLE).first).to_be_visible()
    expect(visitor.get_by_text("da 1 acquisto con il welfare")).to_be_visible()
    snap(visitor, "05-public-comune")

    # 6. The Comune changes the beneficiary's IBAN from the projects' page.
    comune.goto(f"{base}/gestione/valore-condiviso/")
    comune.get_by_role("link", name=f"Modifica ente e IBAN del progetto {TITLE}").click()
    iban = new_iban()
    comune.get_by_label("IBAN dell'ente beneficiario").fill("IT00 0000 0000 0000")
    comune.get_by_label("Motivo della modifica").fill("Nuovo conto della cooperativa")
    comune.get_by_role("button", name="Salva").click()
    expect(comune.get_by_text("non è valido")).to_be_visible()
    snap(comune, "06-iban-refused")
    comune.get_by_label("IBAN dell'ente beneficiario").fill(iban)
    comune.get_by_role("button", name="Salva").click()
    expect(comune.get_by_text("Ente beneficiario e IBAN del progetto aggiornati")).to_be_visible()
    project.refresh_from_db()
    assert project.beneficiary_iban == iban

    # 7. The network's admin: its own project on its page (not the Comune's), then the
    # project's public page and the network's.
    net_admin = make_user("rete.sv.e2e@example.org", role=Role.PLATFORM_ADMIN,
                          organization=network)  # fmt: skip
    net_title = "Emporio solidale di rete"
    net_actor = h.network_actor(make_user, network)
    made = sv.create_project(
        net_actor, network, title=net_title, description="Per le famiglie della rete.",
        target_amount=500_000, beneficiary=body, starts_on=today,
    )  # fmt: skip
    sv.set_project_status(net_actor, made, "active")
    rete = page_for(**size)
    sign_in(rete, base, net_admin)
    rete.goto(f"{base}/gestione/valore-condiviso/")
    expect(rete.get_by_role("link", name=TITLE, exact=True)).to_have_count(0)
    snap(rete, "07-network-manage")
    rete.get_by_role("link", name=net_title, exact=True).click()
    expect(rete.get_by_role("heading", level=1)).to_have_text(net_title)
    expect(rete.get_by_text("Progetto della rete di Comuni")).to_be_visible()
    snap(rete, "08-network-project")
    rete.locator("main").get_by_role("link", name=network.name).click()
    expect(rete.get_by_role("heading", level=1)).to_contain_text(network.name)
    expect(rete.get_by_role("link", name=net_title)).to_be_visible()
    snap(rete, "09-network-public")
