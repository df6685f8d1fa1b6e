"""award_many: a batch of awards from one fund, all or nothing, within the reservation."""

import pytest

from benecomune.ledger.exceptions import ReservationExceeded
from benecomune.ledger.models import Transfer
from benecomune.ledger.services import funds
from benecomune.ledger.services.batch import AwardItem, award_many
from benecomune.ledger.services.statements import balance

pytestmark = pytest.mark.django_db


def test_batch_pays_each_wallet_and_consumes_the_reservation(make_fund, make_wallet, system_actor):
    fund = make_fund(100_000)
    wallets = [make_wallet(fund) for _ in range(3)]
    reservation = funds.reserve(system_actor, fund, 60_000)
    ids = award_many(
        system_actor,
        fund,
        reservation,
        [AwardItem(w.account_id, 15_000, f"batch-{w.pk}") for w in wallets],
    )
    assert len(ids) == 3 and Transfer.objects_unscoped.filter(pk__in=ids).count() == 3
    assert [balance(w.account) for w in wallets] == [15_000] * 3
    reservation.refresh_from_db()
    assert reservation.consumed == 45_000 and reservation.open_amount == 15_000
    assert funds.fund_summary(fund)["awarded"] == 45_000


def test_batch_beyond_the_reservation_moves_nothing(make_fund, make_wallet, system_actor):
    fund = make_fund(100_000)
    wallets = [make_wallet(fund) for _ in range(2)]
    reservation = funds.reserve(system_actor, fund, 20_000)
    with pytest.raises(ReservationExceeded):
        award_many(
            system_actor,
            fund,
            reservation,
            [AwardItem(w.account_id, 15_000, f"over-{w.pk}") for w in wallets],
        )
    assert not Transfer.objects_unscoped.filter(idempotency_key__startswith="over-").exists()
    assert all(balance(w.account) == 0 for w in wallets)


def test_batch_refuses_a_wallet_twice(make_fund, make_wallet, system_actor):
    fund = make_fund(100_000)
    wallet = make_wallet(fund)
    reservation = funds.reserve(system_actor, fund, 20_000)
    with pytest.raises(ReservationExceeded):
        award_many(
            system_actor,
            fund,
            reservation,
            [AwardItem(wallet.account_id, 5_000, "a"), AwardItem(wallet.account_id, 5_000, "b")],
        )
