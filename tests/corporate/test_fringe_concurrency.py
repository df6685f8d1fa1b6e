"""PostgreSQL: two purchases in parallel from two plan wallets of one employee cannot both pass
the fringe-benefit cap (the employee-year counter is locked in the hold's transaction)."""

import pytest

from benecomune.corporate.models import FringeUsage
from benecomune.ledger.exceptions import NotSpendable
from benecomune.ledger.services import holds
from tests.corporate.plan_wallet import approved_version, open_plan_wallet
from tests.helpers import run_parallel

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_rows"),
]


def test_art51_c3_two_parallel_purchases_cannot_both_cross_the_cap(
    system_actor, hr_operator, hr_admin, company, employee, make_provider
):
    rules = [("art51_c3_goods", "platform", None)]
    first = approved_version(hr_operator, hr_admin, company, rules, name="Welfare A")
    second = approved_version(hr_operator, hr_admin, company, rules, name="Welfare B")
    wallets = [
        open_plan_wallet(system_actor, first, employee, 100_000),
        open_plan_wallet(system_actor, second, employee, 100_000),
    ]
    shop = make_provider("Alimentari", category="grocery")

    def work(i):
        try:
            holds.authorise(
                system_actor,
                wallet=wallets[i],
                merchant=shop,
                amount=60_000,
                idempotency_key=f"parallel-{i}",
            )
            return "held"
        except NotSpendable:
            return "refused"

    results, errors = run_parallel(2, work)
    assert errors == []
    assert sorted(results) == ["held", "refused"]
    assert FringeUsage.objects_unscoped.get(employee=employee).used == 60_000


def test_art51_c3_two_parallel_till_purchases_cannot_both_cross_the_cap(
    system_actor, hr_operator, hr_admin, company, employee, municipality
):
    from benecomune.core.actors import Actor
    from benecomune.vouchers.services import redeem
    from benecomune.vouchers.services.errors import VoucherError
    from benecomune.vouchers.services.lookup import merchant_context
    from tests.vouchers.conftest import join_circuit, new_shop, qr

    rules = [("art51_c3_goods", "platform", None)]
    first = approved_version(hr_operator, hr_admin, company, rules, name="Welfare A")
    second = approved_version(hr_operator, hr_admin, company, rules, name="Welfare B")
    wallets = [
        open_plan_wallet(system_actor, first, employee, 100_000),
        open_plan_wallet(system_actor, second, employee, 100_000),
    ]
    shop = new_shop("Alimentari", company.network, municipality)
    join_circuit(system_actor, shop, company.network)

    def work(i):
        try:
            redeem.redeem(
                Actor(user=None, system=True, label="cassa"),  # a device: one statement first
                merchant_context(shop.pk),
                amount=60_000,
                idempotency_key=f"till-{i}",
                code=qr(wallets[i]),
            )
            return "paid"
        except VoucherError:
            return "refused"

    results, errors = run_parallel(2, work)
    assert errors == []
    assert sorted(results) == ["paid", "refused"]
    assert FringeUsage.objects_unscoped.get(employee=employee).used == 60_000
