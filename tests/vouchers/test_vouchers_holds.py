"""Ledger holds on a wallet (ledger/services/holds.py): authorise, capture all or part, void;
the invariants hold after each test (tests/ledger/conftest.py), and on PostgreSQL the
one-statement transfer and the Python path write the same rows for a capture."""

import pytest
from django.db import connection
from django.utils import timezone

from benecomune.ledger.exceptions import (
    IdempotencyConflict,
    InsufficientFunds,
    NotSpendable,
    ReservationExceeded,
)
from benecomune.ledger.models import Reservation
from benecomune.ledger.services import holds, statements, wallets

pytestmark = pytest.mark.django_db


def test_authorise_capture_part_release_rest(voucher, shop, system_actor):
    hold = holds.authorise(
        system_actor, wallet=voucher, merchant=shop, amount=4_000, idempotency_key="h"
    )
    assert statements.available(voucher.account) == 6_000
    assert (
        holds.authorise(
            system_actor, wallet=voucher, merchant=shop, amount=4_000, idempotency_key="h"
        ).pk
        == hold.pk
    )
    with pytest.raises(IdempotencyConflict):
        holds.authorise(system_actor, wallet=voucher, merchant=shop, amount=1, idempotency_key="h")
    with pytest.raises(InsufficientFunds):
        wallets.pay_from_wallet(
            system_actor, wallet=voucher, merchant=shop, amount=6_001, idempotency_key="p"
        )
    payment = holds.capture(
        system_actor, hold, wallet=voucher, merchant=shop, amount=2_500, idempotency_key="c"
    )
    assert payment.reservation_id == hold.pk
    hold.refresh_from_db()
    assert (hold.consumed, hold.released, hold.open_amount) == (2_500, 1_500, 0)
    assert statements.balance(voucher.account) == 7_500
    assert statements.available(voucher.account) == 7_500
    again = holds.capture(
        system_actor, hold, wallet=voucher, merchant=shop, amount=2_500, idempotency_key="c"
    )
    assert again.pk == payment.pk
    with pytest.raises(IdempotencyConflict):
        holds.capture(
            system_actor, hold, wallet=voucher, merchant=shop, amount=100, idempotency_key="c"
        )


def test_capture_more_than_held_is_refused(voucher, shop, system_actor):
    hold = holds.authorise(
        system_actor, wallet=voucher, merchant=shop, amount=1_000, idempotency_key="h"
    )
    with pytest.raises(ReservationExceeded):
        holds.capture(
            system_actor, hold, wallet=voucher, merchant=shop, amount=1_001, idempotency_key="c"
        )
    assert statements.balance(voucher.account) == 10_000


def test_void_releases_everything_once(voucher, shop, system_actor):
    hold = holds.authorise(
        system_actor, wallet=voucher, merchant=shop, amount=1_000, idempotency_key="h"
    )
    holds.void(system_actor, hold, wallet=voucher, merchant=shop)
    holds.void(system_actor, hold, wallet=voucher, merchant=shop)
    hold.refresh_from_db()
    assert (hold.consumed, hold.released) == (0, 1_000)
    assert statements.available(voucher.account) == 10_000


def test_authorise_checks_the_rules(voucher, make_provider, system_actor):
    clothes = make_provider(name="Abiti", category="clothing")
    with pytest.raises(NotSpendable):
        holds.authorise(
            system_actor, wallet=voucher, merchant=clothes, amount=100, idempotency_key="h"
        )
    assert not Reservation.objects_unscoped.filter(account=voucher.account).exists()


def test_expiry_leaves_held_money_until_the_hold_closes(voucher, shop, system_actor):
    import datetime

    from benecomune.ledger.models import Wallet

    hold = holds.authorise(
        system_actor, wallet=voucher, merchant=shop, amount=1_000, idempotency_key="h"
    )
    Wallet.objects_unscoped.filter(pk=voucher.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    moved = wallets.expire_wallets(system_actor)
    assert [t.amount for t in moved] == [9_000]
    holds.void(system_actor, hold, wallet=Wallet.objects_unscoped.get(pk=voucher.pk), merchant=shop)
    assert [t.amount for t in wallets.expire_wallets(system_actor)] == [1_000]
    assert statements.balance(voucher.account) == 0


@pytest.mark.postgres
def test_capture_writes_the_same_rows_on_both_paths(voucher, shop, system_actor, monkeypatch):
    """The fast path's equivalence test (tests/ledger) covers fund reservations; a hold on a
    wallet goes through the same code, checked here for a partial capture."""
    from tests.ledger.test_ledger_fast_path import _run

    hold = holds.authorise(
        system_actor, wallet=voucher, merchant=shop, amount=4_000, idempotency_key="h"
    )
    receivable = wallets.merchant_account(shop)

    def op():
        return holds.capture(
            system_actor,
            hold,
            wallet=voucher,
            merchant=shop,
            amount=1_500,
            idempotency_key="cap",
            merchant_account_=receivable,
        )

    assert connection.vendor == "postgresql"
    fast = _run(op, fast=True, monkeypatch=monkeypatch)
    python = _run(op, fast=False, monkeypatch=monkeypatch)
    assert fast == python
    assert fast[0][0] == "returned"


def test_nightly_maintenance_command_and_task(voucher, shop, system_actor):
    import datetime
    import io

    from django.core.management import call_command

    from benecomune.ledger.models import Wallet
    from benecomune.vouchers.tasks import maintenance

    Wallet.objects_unscoped.filter(pk=voucher.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    out = io.StringIO()
    call_command("vouchers_maintenance", stdout=out)
    assert "1 buoni scaduti, 10000 centesimi restituiti" in out.getvalue()
    assert maintenance.apply().get()["wallets_expired"] == 0  # idempotent
    assert statements.balance(voucher.account) == 0
