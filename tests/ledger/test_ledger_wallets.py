"""Wallet spending rules, their plain-Italian description, and the expiry sweep."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from benecomune.core.models import AuditEvent, Municipality, Network
from benecomune.ledger.exceptions import NotSpendable
from benecomune.ledger.models import Transfer, TransferKind, Wallet
from benecomune.ledger.services import funds, statements, transfers, wallets
from benecomune.ledger.services.rules import check_spendable, rules_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_category_rule(make_fund, make_wallet, make_provider, system_actor):
    wallet = make_wallet(make_fund(10_000), 5_000, categories=["grocery", "pharmacy"])
    pharmacy = make_provider(category="pharmacy")
    tutor = make_provider("Doposcuola", category="tutoring")
    assert check_spendable(wallet, pharmacy) is None
    reason = check_spendable(wallet, tutor)
    assert "doposcuola" in reason and "alimentari e farmacia" in reason
    with pytest.raises(NotSpendable):
        wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=tutor, amount=100, idempotency_key="cat"
        )
    assert statements.balance(wallet.account) == 5_000


def test_territory_rules(
    make_fund, make_wallet, make_provider, municipality, other_municipality, network
):
    fund = make_fund(10_000)
    far_network = Network.objects.create(name="Altra rete", slug="altra-rete")
    far = Municipality.objects.create(
        name="Lontano", slug="lontano", istat_code="099001", network=far_network
    )
    here = make_provider(municipality_=municipality)
    nearby = make_provider(municipality_=other_municipality)
    away = make_provider(municipality_=far, network_=far_network)
    by_list = make_wallet(fund, territory=[municipality])
    assert check_spendable(by_list, here) is None
    assert "fuori dai Comuni" in check_spendable(by_list, nearby)
    by_network = make_wallet(fund, network=network)
    assert check_spendable(by_network, nearby) is None
    assert "fuori dalla rete" in check_spendable(by_network, away)


def test_date_rules(make_fund, make_wallet, shop):
    fund = make_fund(10_000)
    wallet = make_wallet(
        fund,
        valid_from=TODAY + datetime.timedelta(days=3),
        valid_until=TODAY + datetime.timedelta(days=10),
    )
    assert "si può usare dal" in check_spendable(wallet, shop)
    assert check_spendable(wallet, shop, at=TODAY + datetime.timedelta(days=5)) is None
    assert "scaduto" in check_spendable(wallet, shop, at=TODAY + datetime.timedelta(days=11))


def test_rules_in_plain_italian(make_fund, make_wallet, municipality, other_municipality):
    wallet = make_wallet(
        make_fund(),
        categories=["grocery", "pharmacy"],
        territory=[municipality, other_municipality],
        valid_until=datetime.date(2026, 12, 31),
    )
    text = rules_text(wallet)
    assert text == (
        "Spendibile fino al 31 dicembre 2026, presso: alimentari e farmacia, nei Comuni di "
        "Limena e Piazzola sul Brenta. Non è trasferibile e non si converte in denaro."
    )


def test_expired_wallet_cannot_pay_or_receive(make_fund, make_wallet, shop, system_actor):
    fund = make_fund(10_000)
    wallet = make_wallet(fund, 1_000)
    Wallet.objects_unscoped.filter(pk=wallet.pk).update(
        valid_until=TODAY - datetime.timedelta(days=1)
    )
    wallet.refresh_from_db()
    with pytest.raises(NotSpendable):
        wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=shop, amount=100, idempotency_key="late"
        )
    with pytest.raises(NotSpendable):
        funds.award(system_actor, fund, wallet, 100)


def test_pay_needs_owner_or_merchant_staff(make_fund, make_wallet, shop, make_user):
    from django.core.exceptions import PermissionDenied

    from benecomune.core.actors import Actor

    wallet = make_wallet(make_fund(10_000), 1_000)
    stranger = Actor(user=make_user("stranger@example.org"))
    with pytest.raises(PermissionDenied):
        wallets.pay_from_wallet(
            stranger, wallet=wallet, merchant=shop, amount=100, idempotency_key="x"
        )
    owner = Actor(user=make_user("owner@example.org", person=wallet.person))
    wallets.pay_from_wallet(owner, wallet=wallet, merchant=shop, amount=100, idempotency_key="x")


def test_expiry_sweep_returns_money_once_and_is_audited(make_fund, make_wallet, shop, system_actor):
    fund = make_fund(10_000)
    wallet = make_wallet(fund, 3_000, valid_until=TODAY + datetime.timedelta(days=5))
    payment = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=1_000, idempotency_key="before-expiry"
    )
    own = make_wallet(None, valid_until=TODAY + datetime.timedelta(days=5))  # no fund
    later = TODAY + datetime.timedelta(days=6)
    assert wallets.expire_wallets(system_actor, today=TODAY) == []
    moved = wallets.expire_wallets(system_actor, today=later)
    assert [t.amount for t in moved] == [2_000]
    assert statements.balance(wallet.account) == 0
    assert statements.balance(fund.account) == 9_000
    assert funds.fund_summary(fund)["returned"] == 2_000
    assert (
        AuditEvent.objects_unscoped.filter(
            action="ledger.wallet_expired", object_id=str(wallet.pk)
        ).count()
        == 1
    )
    # Idempotent: a second run (and the command) move nothing.
    assert wallets.expire_wallets(system_actor, today=later) == []
    out = io.StringIO()
    call_command("ledger_expire", "--date", later.isoformat(), stdout=out)
    assert "0 wallet" in out.getvalue()
    # Money reaching the expired wallet later (a reversed payment) is swept again.
    transfers.reverse(system_actor, payment)
    moved = wallets.expire_wallets(system_actor, today=later)
    assert [t.amount for t in moved] == [1_000]
    assert Transfer.objects.filter(kind=TransferKind.EXPIRY).count() == 2
    own.refresh_from_db()
    assert own.expired_at is None
