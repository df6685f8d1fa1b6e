"""Property: after any random sequence of awards, payments, refunds and voids made through the
real ledger services, with the upkeep run at random points and in random batch sizes, the
rollups equal a full recomputation from the ledger; running the upkeep again changes nothing."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.models import TransferKind, WalletSource
from benecomune.ledger.services import funds, refunds, transfers, wallets
from benecomune.observatory.models import AwardCell, AwardMember, SpendingCell, SpendingMember
from benecomune.observatory.services import check, upkeep

pytestmark = pytest.mark.django_db

amounts = st.integers(min_value=1, max_value=4_000)
wallet_idx = st.integers(min_value=0, max_value=4)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("award"), wallet_idx, amounts),
        st.tuples(st.just("pay"), wallet_idx, st.integers(0, 3), amounts),
        st.tuples(st.just("refund"), st.integers(0, 20), amounts),
        st.tuples(st.just("void"), st.integers(0, 20)),
        st.tuples(st.just("void_award"), st.integers(0, 20)),
        st.tuples(st.just("void_refund"), st.integers(0, 20)),
        st.tuples(st.just("upkeep"), st.integers(1, 4)),
    ),
    min_size=1,
    max_size=30,
)


def snapshot() -> tuple:
    return (
        sorted(
            SpendingCell.objects.values_list(
                "municipality",
                "category",
                "month",
                "wallet_kind",
                "amount",
                "transactions",
                "persons",
            )
        ),
        sorted(SpendingMember.objects.values_list("cell", "person", "amount", "transactions")),
        sorted(AwardCell.objects.values_list("call", "amount", "awards", "persons")),
        sorted(AwardMember.objects.values_list("cell", "person", "amount", "awards")),
    )


@pytest.fixture
def world(
    make_fund,
    make_wallet,
    make_provider,
    make_person,
    municipality,
    other_municipality,
    system_actor,
):
    """Five wallets of three people (call awards and a company plan), four merchants in two
    Comuni and three categories; created once, every example runs in a rolled-back savepoint."""
    fund = make_fund(10_000_000)
    people = [make_person(municipality) for _ in range(3)]
    until = timezone.localdate() + datetime.timedelta(days=60)
    wallet_list = [make_wallet(fund, 1_000, person=p, valid_until=until) for p in people]
    for person in people[:2]:
        wallet_list.append(
            wallets.open_wallet(
                system_actor,
                person=person,
                organization=municipality,
                title="Piano aziendale",
                source_kind=WalletSource.COMPANY_PLAN,
                fund=fund,
                valid_until=until,
            )
        )
    merchants = [
        make_provider(category="grocery"),
        make_provider(category="pharmacy"),
        make_provider(category="grocery", municipality_=other_municipality),
        make_provider(category="tutoring", municipality_=other_municipality),
    ]
    return fund, wallet_list, merchants


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_rollups_equal_a_full_recomputation(ops, world, system_actor):
    with transaction.atomic():
        _run(ops, *world, system_actor)
        upkeep.run()
        assert check.differences() == []
        before = snapshot()
        # Idempotent: a second run over the same ledger changes nothing.
        upkeep.run()
        upkeep.run_once()
        assert snapshot() == before
        # The full rebuild (set-based SQL on PostgreSQL) counts the same.
        upkeep.rebuild()
        assert check.differences() == []
        transaction.set_rollback(True)


def _run(ops, fund, wallet_list, merchants, actor):
    payments, awards, given_back, keys = [], [], [], iter(range(10**6))
    for op in ops:
        try:
            with transaction.atomic():
                match op:
                    case ("award", w, amount):
                        awards.append(funds.award(actor, fund, wallet_list[w], amount))
                    case ("pay", w, m, amount):
                        payments.append(
                            wallets.pay_from_wallet(
                                actor,
                                wallet=wallet_list[w],
                                merchant=merchants[m],
                                amount=amount,
                                idempotency_key=f"obs-pay-{next(keys)}",
                            )
                        )
                    case ("refund", i, amount) if payments:
                        payment = payments[i % len(payments)]
                        given_back.append(
                            refunds.refund(
                                actor,
                                payment,
                                min(amount, payment.amount),
                                idempotency_key=f"obs-ref-{next(keys)}",
                            )
                        )
                    case ("void", i) if payments:
                        transfers.reverse(actor, payments[i % len(payments)])
                    case ("void_award", i) if awards:
                        transfers.reverse(actor, awards[i % len(awards)])
                    case ("void_refund", i) if given_back:
                        transfers.reverse(actor, given_back[i % len(given_back)])
                    case ("upkeep", size):
                        upkeep.run_once(batch=size)
        except LedgerError:
            pass  # refused (no money, already voided, refunded too much): nothing moved


def test_refunds_and_voids_count_against_the_payment(world, system_actor, municipality):
    _fund, wallet_list, merchants = world
    pay = wallets.pay_from_wallet(
        system_actor,
        wallet=wallet_list[0],
        merchant=merchants[0],
        amount=600,
        idempotency_key="p1",
    )
    wallets.pay_from_wallet(
        system_actor,
        wallet=wallet_list[1],
        merchant=merchants[0],
        amount=300,
        idempotency_key="p2",
    )
    refunds.refund(system_actor, pay, 100, idempotency_key="r1")
    upkeep.run()
    cell = SpendingCell.objects.get(category="grocery", municipality=municipality)
    assert (cell.amount, cell.transactions, cell.persons) == (800, 2, 2)
    assert cell.wallet_kind == WalletSource.CALL_AWARD
    void = transfers.reverse(system_actor, pay.__class__.objects_unscoped.get(idempotency_key="p2"))
    assert void.kind == TransferKind.REVERSAL
    upkeep.run()
    cell.refresh_from_db()
    assert (cell.amount, cell.transactions, cell.persons) == (500, 1, 1)
    assert check.differences() == []


def test_rebuild_gives_the_same_tables_and_check_reports_a_tampered_cell(world, system_actor):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    _fund, wallet_list, merchants = world
    for n, wallet in enumerate(wallet_list[:3]):
        wallets.pay_from_wallet(
            system_actor,
            wallet=wallet,
            merchant=merchants[n],
            amount=100 + n,
            idempotency_key=f"rb-{n}",
        )
    upkeep.run()
    before = snapshot()
    call_command("observatory_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = snapshot()
    assert after[0] == before[0] and after[2] == before[2]
    call_command("observatory_check", stdout=open("/dev/null", "w"))  # noqa: SIM115
    SpendingCell.objects.filter(category="pharmacy").update(amount=1)
    with pytest.raises(CommandError):
        call_command("observatory_check", "--no-catch-up", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_beat_task_runs_the_upkeep(world, system_actor):
    from benecomune.celery import app
    from benecomune.observatory import tasks

    _fund, wallet_list, merchants = world
    wallets.pay_from_wallet(
        system_actor,
        wallet=wallet_list[0],
        merchant=merchants[1],
        amount=250,
        idempotency_key="task-1",
    )
    assert app.conf.beat_schedule["observatory-upkeep"]["task"] == "observatory.upkeep"
    result = tasks.upkeep.delay().get()
    assert result["transfers"] >= 1
    assert SpendingCell.objects.get(category="pharmacy").amount == 250
    assert tasks.upkeep()["transfers"] == 0
