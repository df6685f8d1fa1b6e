"""The fringe-benefit cap (art. 51 c.3 TUIR) on every path: purchases at a voucher-circuit till
(the usual path and, on PostgreSQL, the one-statement path that sends plan wallets to it),
refunds and voids of those purchases, refunds of captured holds."""

import pytest
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.corporate.models import FringeUsage, PlanSpend
from benecomune.corporate.services import fringe
from benecomune.ledger.models import Transfer
from benecomune.ledger.services import holds, refunds, statements
from benecomune.vouchers.services import authorisations, one_statement, redeem
from benecomune.vouchers.services.errors import VoucherError
from benecomune.vouchers.services.lookup import merchant_context
from tests.corporate.plan_wallet import approved_version, open_plan_wallet
from tests.ledger import conftest as ledger_fixtures
from tests.vouchers.conftest import join_circuit, new_shop, qr

YEAR = timezone.localdate().year
make_fund = ledger_fixtures.make_fund
make_wallet = ledger_fixtures.make_wallet
C3 = [("art51_c3_goods", "platform", None)]


def till_actor():
    # A device's actor (system): on PostgreSQL it may take the one-statement path.
    return Actor(user=None, system=True, label="cassa test")


@pytest.fixture
def till_shop(system_actor, company, municipality):
    shop = new_shop("Alimentari Brenta", company.network, municipality)
    join_circuit(system_actor, shop, company.network)
    return shop


@pytest.fixture
def c3_version(hr_operator, hr_admin, company):
    return approved_version(hr_operator, hr_admin, company, C3)


@pytest.fixture
def c3_wallet(system_actor, c3_version, employee):
    return open_plan_wallet(system_actor, c3_version, employee, 300_000)


def pay(shop, wallet, amount, key):
    return redeem.redeem(
        till_actor(),
        merchant_context(shop.pk),
        amount=amount,
        idempotency_key=key,
        code=qr(wallet),
    )


def used(employee) -> int:
    row = FringeUsage.objects_unscoped.filter(employee=employee, tax_year=YEAR).first()
    return row.used if row else 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_rows")
class TestTill:
    """Run on SQLite and on PostgreSQL (where the device's QR first tries the one statement)."""

    def test_art51_c3_a_till_purchase_counts_against_the_cap(self, till_shop, c3_wallet, employee):
        redemption = pay(till_shop, c3_wallet, 70_000, "t1")
        assert used(employee) == 70_000
        spend = PlanSpend.objects_unscoped.get(transfer_id=redemption.transfer_id)
        assert (spend.amount, spend.hold_id, spend.is_fringe_benefit) == (70_000, None, True)
        assert fringe.cap_status(employee, YEAR).left == 30_000

    def test_art51_c3_a_till_purchase_crossing_the_cap_is_refused_and_changes_nothing(
        self, till_shop, c3_wallet, employee
    ):
        pay(till_shop, c3_wallet, 70_000, "t1")
        before = statements.available(c3_wallet.account)
        with pytest.raises(VoucherError, match="soglia dei fringe benefit"):
            pay(till_shop, c3_wallet, 30_001, "t2")
        assert statements.available(c3_wallet.account) == before
        assert used(employee) == 70_000
        assert PlanSpend.objects_unscoped.count() == 1
        pay(till_shop, c3_wallet, 30_000, "t3")  # exactly at the cap
        assert used(employee) == 100_000

    def test_a_replayed_till_purchase_counts_once(self, till_shop, c3_wallet, employee):
        first = pay(till_shop, c3_wallet, 20_000, "same")
        again = pay(till_shop, c3_wallet, 20_000, "same")
        assert again.transfer_id == first.transfer_id
        assert used(employee) == 20_000

    def test_art51_c3_a_voided_till_purchase_gives_the_cap_back(
        self, till_shop, c3_wallet, employee
    ):
        redemption = pay(till_shop, c3_wallet, 40_000, "t1")
        ctx = merchant_context(till_shop.pk)
        authorisations.void_redemption(till_actor(), ctx, redemption.pk, idempotency_key="v1")
        assert used(employee) == 0
        # Voiding again (a retry) gives nothing back twice.
        authorisations.void_redemption(till_actor(), ctx, redemption.pk, idempotency_key="v1")
        assert used(employee) == 0
        assert PlanSpend.objects_unscoped.get().amount == 0

    def test_art51_c3_a_refunded_till_purchase_gives_the_refund_back(
        self, system_actor, till_shop, c3_wallet, employee
    ):
        redemption = pay(till_shop, c3_wallet, 40_000, "t1")
        payment = Transfer.objects_unscoped.get(pk=redemption.transfer_id)
        refunds.refund(system_actor, payment, 15_000, idempotency_key="r1")
        refunds.refund(system_actor, payment, 15_000, idempotency_key="r1")  # a replay
        assert used(employee) == 25_000
        assert fringe.cap_status(employee, YEAR).left == 75_000


@pytest.mark.django_db
def test_art51_c3_a_refunded_capture_gives_the_cap_back(
    system_actor, till_shop, c3_wallet, employee
):
    hold = holds.authorise(
        system_actor, wallet=c3_wallet, merchant=till_shop, amount=50_000, idempotency_key="h1"
    )
    payment = holds.capture(
        system_actor,
        hold,
        wallet=c3_wallet,
        merchant=till_shop,
        amount=45_000,
        idempotency_key="c1",
    )
    assert used(employee) == 45_000  # the uncaptured 5,000 released
    refunds.refund(system_actor, payment, 10_000, idempotency_key="r1")
    assert used(employee) == 35_000


@pytest.mark.django_db
def test_a_non_plan_voucher_is_not_counted(
    system_actor,
    till_shop,
    make_fund,
    make_wallet,
    employee,
):
    wallet = make_wallet(make_fund(100_000), 10_000, person=employee.person)
    join_circuit(system_actor, till_shop, wallet.organization)
    redeem.redeem(
        system_actor,
        merchant_context(till_shop.pk),
        amount=1_000,
        idempotency_key="plain",
        code=qr(wallet),
    )
    assert PlanSpend.objects_unscoped.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_rows")
def test_the_one_statement_gate_sends_plan_wallets_to_the_counted_path(
    till_shop, c3_wallet, employee
):
    from benecomune.vouchers.services.redeem import transfer_key

    ctx = merchant_context(till_shop.pk)
    done = one_statement.pay_at_till(
        till_actor(),
        ctx,
        wallet_id=c3_wallet.pk,
        amount=1_000,
        key=transfer_key(ctx, "direct"),
        client_key="direct",
        device_id=None,
    )
    assert done is None  # 'check': nothing written, the usual path decides and counts
    assert used(employee) == 0
    pay(till_shop, c3_wallet, 1_000, "direct")
    assert used(employee) == 1_000
