"""The one-statement QR redemption on PostgreSQL (services/one_statement.py and its SQL file).

Its SQL gate must never pass what the usual path's rules refuse (circuit, dates, category,
territory, shop active, a key already used for an authorisation); in these cases it should
also pass what they allow. Each case below sets one condition and compares the gate's answer
('paid' or 'check', inside a transaction rolled back) with the Python rules' verdict on the
same data. Then, through the API, the answers with and without the one-statement path are the
same: same status, same error code, same balance."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from benecomune.core.models import Network, Provider
from benecomune.ledger.models import Wallet
from benecomune.vouchers.models import CircuitMembership, MembershipStatus
from benecomune.vouchers.services import authorisations, one_statement, redeem
from benecomune.vouchers.services.lookup import load_wallet, merchant_context
from tests.vouchers.conftest import qr
from tests.vouchers.test_vouchers_pos_api import balance

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _wallet_update(voucher, **fields):
    Wallet.objects_unscoped.filter(pk=voucher.pk).update(**fields)


def _membership(shop):
    return CircuitMembership.objects_unscoped.filter(merchant=shop)


# name -> (what to change, whether the rules allow it)
CASES = {
    "all clear": (lambda s: None, True),
    "shop not in any circuit": (lambda s: _membership(s["shop"]).delete(), False),
    "membership suspended": (
        lambda s: _membership(s["shop"]).update(status=MembershipStatus.SUSPENDED),
        False,
    ),
    "convention not accepted": (
        lambda s: _membership(s["shop"]).update(convention_accepted_at=None),
        False,
    ),
    "member of the network's circuit instead": (
        lambda s: _membership(s["shop"]).update(organization_id=s["network"].pk),
        True,
    ),
    "member of another Comune's circuit only": (
        lambda s: _membership(s["shop"]).update(organization_id=s["other_municipality"].pk),
        False,
    ),
    "valid until yesterday": (
        lambda s: _wallet_update(s["voucher"], valid_until=TODAY - DAY),
        False,
    ),
    "valid until today": (lambda s: _wallet_update(s["voucher"], valid_until=TODAY), True),
    "valid from tomorrow": (lambda s: _wallet_update(s["voucher"], valid_from=TODAY + DAY), False),
    "valid from today": (lambda s: _wallet_update(s["voucher"], valid_from=TODAY), True),
    "expired by the expiry job": (
        lambda s: _wallet_update(s["voucher"], expired_at=timezone.now()),
        False,
    ),
    "category not allowed": (
        lambda s: Provider.objects.filter(pk=s["shop"].pk).update(category="clothing"),
        False,
    ),
    "no category restriction": (
        lambda s: (
            _wallet_update(s["voucher"], allowed_categories=[]),
            Provider.objects.filter(pk=s["shop"].pk).update(category="clothing"),
        ),
        True,
    ),
    "territory: other Comuni only": (
        lambda s: s["voucher"].territory_municipalities.set([s["other_municipality"]]),
        False,
    ),
    "territory: the shop's Comune listed": (
        lambda s: s["voucher"].territory_municipalities.set(
            [s["other_municipality"], s["municipality"]]
        ),
        True,
    ),
    "territory: another network": (
        lambda s: _wallet_update(
            s["voucher"],
            territory_network_id=Network.objects.create(name="Altra rete", slug="altra").pk,
        ),
        False,
    ),
    "territory: the network through the shop's seat": (
        lambda s: Provider.objects.filter(pk=s["shop"].pk).update(network=None),
        True,
    ),
    "shop deactivated": (
        lambda s: Provider.objects.filter(pk=s["shop"].pk).update(is_active=False),
        False,
    ),
    "key already used for an authorisation": ("authorise", False),
}


@pytest.fixture
def setting(voucher, member_shop, network, municipality, other_municipality, device_actor):
    return {
        "voucher": voucher,
        "shop": member_shop,
        "network": network,
        "municipality": municipality,
        "other_municipality": other_municipality,
        "actor": device_actor,
    }


@pytest.fixture
def device_actor():
    from benecomune.core.actors import Actor

    return Actor(user=None, system=True, label="dispositivo test")


def _apply(name, setting):
    change, allowed = CASES[name]
    if change == "authorise":
        authorisations.authorise(
            setting["actor"],
            merchant_context(setting["shop"].pk),
            code=qr(setting["voucher"]),
            amount=100,
            idempotency_key="k1",
        )
    else:
        change(setting)
    return allowed


def _rules_allow(setting) -> bool:
    ctx = merchant_context(setting["shop"].pk)
    wallet = load_wallet(setting["voucher"].pk, merchant_id=ctx.merchant_id, key="k1")
    ctx.adopt(wallet)
    if wallet.key_taken_by_authorisation:
        return False
    return ctx.may_redeem(wallet) and redeem.refusal(ctx, wallet) is None


def _gate(setting) -> str:
    """The function's outcome, its writes rolled back."""
    shop, wallet = setting["shop"], setting["voucher"]
    now = timezone.now()
    params = [f"pos:{shop.pk}:k1", "k1", shop.pk, wallet.pk, 100, timezone.localdate(now), now]
    params += [None, "dispositivo test", None, "qr", None, None, None, None]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(one_statement._SQL, params)
            outcome = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return outcome


@pytest.mark.parametrize("name", list(CASES))
def test_the_gate_passes_exactly_what_the_rules_allow(name, setting):
    allowed = _apply(name, setting)
    assert _rules_allow(setting) is allowed  # the case sets what it says
    assert _gate(setting) == ("paid" if allowed else "check")


@pytest.mark.parametrize("name", list(CASES))
def test_the_api_answers_the_same_with_or_without_it(name, setting, pos, monkeypatch):
    _apply(name, setting)
    voucher = setting["voucher"]
    before = balance(voucher)
    answers = []
    for fast in (True, False):
        monkeypatch.setattr(one_statement, "applies", lambda actor, fast=fast: fast)
        response = pos("redeem", {"code": qr(voucher), "amount": 100})
        answers.append((response.status_code, response.body.get("code")))
    assert answers[0] == answers[1]
    paid = answers[0][0] == 201
    assert balance(voucher) == before - (200 if paid else 0)


def test_insufficient_balance_and_replay_through_the_one_statement_path(pos, voucher):
    first = pos("redeem", {"code": qr(voucher), "amount": 9_000}, key="big")
    assert first.status_code == 201
    short = pos("redeem", {"code": qr(voucher), "amount": 1_001})
    assert short.status_code == 409
    assert short.body["code"] == "insufficient_balance"
    again = pos("redeem", {"code": qr(voucher), "amount": 9_000}, key="big")
    assert again.status_code == 200
    assert again.body["replayed"] is True
    assert again.body["id"] == first.body["id"]
    assert balance(voucher) == 1_000
