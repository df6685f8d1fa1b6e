"""PostgreSQL: the till's one-statement payment (`ledger.services.linked`, `vouchers_redeem()`)
and the Python path (`wallets.pay_from_wallet` and the row in one transaction) write the same
ledger rows,
audit events and redemption rows, and raise the same errors."""

import pytest

from benecomune.ledger.services import wallets
from benecomune.vouchers.models import Redemption
from benecomune.vouchers.services.errors import VoucherError
from benecomune.vouchers.services.lookup import merchant_context
from benecomune.vouchers.services.redeem import redeem
from tests.ledger.test_ledger_fast_path import _run
from tests.vouchers.conftest import new_shop, qr

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

REDEMPTION_FIELDS = ["merchant_id", "issuer_id", "wallet_id", "amount", "balance_after", "channel"]


@pytest.fixture
def clothes(network, municipality, join):
    shop = new_shop("Abiti", network, municipality, category="clothing")
    join(shop, municipality)
    wallets.merchant_account(shop)
    return shop


def _redeem(system_actor, shop, voucher, amount, key):
    return redeem(
        system_actor,
        merchant_context(shop.pk),
        code=qr(voucher),
        amount=amount,
        idempotency_key=key,
        device_id=None,
    )


@pytest.mark.parametrize("case", ["new", "replay", "insufficient", "category"])
def test_one_statement_and_python_path_agree(
    case, member_shop, clothes, voucher, system_actor, monkeypatch
):
    wallets.merchant_account(member_shop)
    seen = []

    def op():
        if case == "new":
            done = _redeem(system_actor, member_shop, voucher, 1_250, "a")
        elif case == "replay":
            _redeem(system_actor, member_shop, voucher, 1_250, "a")
            done = _redeem(system_actor, member_shop, voucher, 1_250, "a")
        elif case == "insufficient":
            done = _redeem(system_actor, member_shop, voucher, 20_000, "a")
        else:
            done = _redeem(system_actor, clothes, voucher, 100, "a")
        seen.append(
            [
                tuple(getattr(r, f) for f in REDEMPTION_FIELDS)
                for r in Redemption.objects_unscoped.order_by("pk")
            ]
        )
        seen.append(getattr(done, "replayed", None))
        return done.transfer

    fast = _run(op, fast=True, monkeypatch=monkeypatch)
    python = _run(op, fast=False, monkeypatch=monkeypatch)
    assert fast == python
    if case in ("new", "replay"):
        assert (
            seen[0]
            == seen[2]
            == [(member_shop.pk, voucher.organization_id, voucher.pk, 1_250, 8_750, "qr")]
        )
        assert seen[1] == seen[3] == (case == "replay")
    else:
        assert fast[0][0] == "raised"
        assert fast[0][1] is VoucherError
