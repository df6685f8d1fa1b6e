"""A Point's operator prints a voucher card for the person of one of their cases: only the
case's own Point (else 404), only with a valid delegation to print voucher cards (an
out-of-scope or expired one is refused with the reason and audited); the card, its PIN slip
and the block are the vouchers' own, audited "by operator X for Y" with the delegation as
basis, and the citizen sees it in "Chi ha agito per me"."""

import datetime
import re

import pytest
from django.utils import timezone

from benecomune.core import on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent
from benecomune.ledger.models import FundOrigin, WalletSource
from benecomune.ledger.services import funds, wallets
from benecomune.vouchers.models import CardStatus, VoucherCard
from benecomune.vouchers.services import cards
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(elder, make_user):
    user = make_user("ada@example.org", person=elder)
    return Actor(user=user), user


@pytest.fixture
def wallet(system_actor, municipality, elder):
    fund = funds.create_fund(
        system_actor,
        organization=municipality,
        name="Fondo anziani",
        origin=FundOrigin.MUNICIPAL,
        legal_basis="Delibera di Giunta n. 1/2026",
    )
    funds.add_contribution(system_actor, fund, contributor="Comune", amount=100_000)
    opened = wallets.open_wallet(
        system_actor,
        person=elder,
        organization=municipality,
        title="Buono spesa anziani",
        source_kind=WalletSource.CALL_AWARD,
        fund=fund,
        valid_until=timezone.localdate() + datetime.timedelta(days=365),
    )
    funds.award(system_actor, fund, opened, 15_000)
    return opened


def delegate(citizen, point, *scopes, until=datetime.date(2026, 3, 31)):
    from benecomune.desk.services import delegations
    from benecomune.desk.services.delegations import DelegationRequest

    return delegations.give_digitally(
        citizen[0],
        DelegationRequest(
            point=point,
            scopes=list(scopes),
            valid_from=datetime.date(2026, 3, 2),
            valid_until=until,
        ),
    )


def test_without_a_delegation_back_to_the_case_and_another_point_404(
    clock, case, manager, other_manager, operator_client, wallet
):
    url = f"/gestione/sportello-welfare/casi/{case.pk}/tessere/"
    response = operator_client(manager).get(url, follow=True)
    assert response.redirect_chain[-1][0] == f"/gestione/sportello-welfare/casi/{case.pk}/"
    assert "serve una sua delega" in response.content.decode()
    issue = f"/gestione/sportello-welfare/casi/{case.pk}/tessere/{wallet.pk}/emetti/"
    operator_client(manager).post(issue, {f"w{wallet.pk}-pin": ""})
    assert operator_client(other_manager).get(url).status_code == 404
    assert operator_client(other_manager).post(issue, {}).status_code == 404
    assert not VoucherCard.objects_unscoped.exists()
    assert AuditEvent.objects_unscoped.filter(action="desk.case_access_refused").count() == 2


def test_a_delegation_out_of_scope_is_refused_and_audited(
    clock, citizen, elder, case, manager, operator_client, wallet
):
    delegate(citizen, case.point, on_behalf.APPLY)
    response = operator_client(manager).get(
        f"/gestione/sportello-welfare/casi/{case.pk}/tessere/", follow=True
    )
    assert response.redirect_chain[-1][0] == f"/gestione/sportello-welfare/casi/{case.pk}/"
    refused = AuditEvent.objects_unscoped.get(action="core.on_behalf_refused", person=elder)
    assert refused.after == {"service": "voucher_cards"}
    # The service refuses too, whatever page calls it.
    with pytest.raises(on_behalf.OnBehalfRefused):
        cards.issue_card(manager[0], wallet)
    assert not VoucherCard.objects_unscoped.exists()
    assert AuditEvent.objects_unscoped.filter(action="core.on_behalf_refused").count() == 2


def test_with_a_delegation_the_operator_prints_and_blocks_the_card(
    clock, citizen, elder, case, manager, operator_client, wallet, client
):
    delegation = delegate(citizen, case.point, on_behalf.VOUCHER_CARDS)
    page = operator_client(manager)
    base = f"/gestione/sportello-welfare/casi/{case.pk}/tessere/"
    listing = page.get(base).content.decode()
    assert "Buono spesa anziani" in listing and "€ 150,00" in listing
    assert f"delega n. {delegation.pk}" in listing

    mismatch = page.post(
        f"{base}{wallet.pk}/emetti/",
        {f"w{wallet.pk}-pin": "2468", f"w{wallet.pk}-pin_again": "2469"},
        follow=True,
    )
    assert "I due PIN non coincidono" in mismatch.content.decode()
    assert not VoucherCard.objects_unscoped.exists()

    response = page.post(f"{base}{wallet.pk}/emetti/", {f"w{wallet.pk}-pin": ""})
    assert response["Location"] == f"{base}{wallet.pk}/emessa/"
    issued = page.get(response["Location"]).content.decode()
    pin = re.search(r'data-testid="issued-pin">(\d+)<', issued).group(1)
    card = VoucherCard.objects_unscoped.get()
    assert cards.pin_matches(card, pin) and card.issued_by == manager[1]
    assert page.get(response["Location"]).status_code == 302  # the PIN is shown once
    pdf = page.get(f"{base}{wallet.pk}/tessera.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    event = AuditEvent.objects_unscoped.get(action="vouchers.card_issued")
    assert elder.fiscal_code in event.reason and f"delega n. {delegation.pk}" in event.reason
    assert event.actor == manager[1]

    page.post(f"{base}{wallet.pk}/blocca/")
    card.refresh_from_db()
    assert card.status == CardStatus.BLOCKED

    mine = login(client, citizen[1])
    acted = mine.get("/area-personale/chi-ha-agito-per-me/").content.decode()
    assert manager[1].full_name in acted and f"delega n. {delegation.pk}" in acted


def test_an_expired_delegation_stops_printing(
    clock, citizen, elder, case, manager, operator_client, wallet
):
    delegate(citizen, case.point, on_behalf.VOUCHER_CARDS, until=datetime.date(2026, 3, 10))
    clock(20)
    base = f"/gestione/sportello-welfare/casi/{case.pk}/tessere/"
    response = operator_client(manager).get(base, follow=True)
    assert "scaduta" in response.content.decode()
    assert operator_client(manager).get(f"{base}{wallet.pk}/tessera.pdf").status_code == 404
    assert not VoucherCard.objects_unscoped.exists()
