"""Property test (hypothesis): random sequences of voucher payments, debit notes, expense
claims, batches, bank results, corrections, expiry and close-out keep, for every call,
paid + pending + returned = awarded; the money on its way (payable + platform accounts)
always equals the payout orders not yet paid; nobody is ever paid twice."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from benecomune.calls.models import Award, RankingKind
from benecomune.calls.services import award as award_service
from benecomune.calls.services import definition, ranking
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import Transfer, TransferKind, Wallet
from benecomune.ledger.services import wallets as wallet_services
from benecomune.ledger.services.invariants import check_invariants
from benecomune.ledger.services.statements import balance
from benecomune.ledger.services.transfers import reverse
from benecomune.payouts.models import (
    BatchItem,
    BatchStatus,
    DebitNote,
    DebitNoteStatus,
    ExpenseClaim,
    ItemStatus,
    PayoutBatch,
    PayoutOrder,
    PayoutStatus,
)
from benecomune.payouts.services import batches, claim_review, claims, debit_notes, results
from benecomune.payouts.services.accounts import payer_setup
from benecomune.payouts.services.figures import call_figures
from benecomune.payouts.services.orders import correct_order
from benecomune.payouts.services.payees import set_payee_account
from tests.calls.factories import admitted_application
from tests.payouts.bank import pain002
from tests.payouts.conftest import new_iban, receipt

pytestmark = pytest.mark.django_db

amounts = st.integers(min_value=1, max_value=9_000)
idx = st.integers(min_value=0, max_value=5)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("pay"), idx, idx, amounts),
        st.tuples(st.just("void"), idx),
        st.tuples(st.just("notes"), idx),
        st.tuples(st.just("decide_note"), idx, st.booleans()),
        st.tuples(st.just("claim"), idx, amounts),
        st.tuples(st.just("review"), idx, st.sampled_from(["full", "part", "reject"])),
        st.tuples(st.just("batch"), st.booleans()),
        st.tuples(st.just("results"), st.integers(0, 2**12 - 1)),
        st.tuples(st.just("correct"), idx),
        st.just(("expire",)),
        st.just(("close_out",)),
        st.just(("cycle",)),
        st.just(("cycle",)),
    ),
    min_size=3,
    max_size=22,
)


@pytest.fixture
def world(make_reimbursement_call, make_person, municipality, admin, fund, payer, make_shop):
    people = [make_person(municipality, first_name=n, last_name="Prova") for n in ("Ada", "Bruno")]
    for person in people:
        person.iban, person.iban_holder = new_iban(), person.full_name
        person.save()
    refund_call, refund_awards = make_reimbursement_call(people, budget=100_000)
    now = timezone.now()
    with all_tenants():
        voucher_call = definition.create_call(
            admin,
            organization=municipality,
            code="buoni-prop",
            title="Buoni spesa",
            benefit_type="voucher",
            fund=fund,
            budget=100_000,
            rules={"amount": {"kind": "fixed", "base": 20_000}},
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=30),
            spend_from=now.date() - datetime.timedelta(days=1),
            spend_until=now.date() + datetime.timedelta(days=60),
        )
        voucher_call = definition.publish_call(admin, voucher_call)
    shoppers = [
        make_person(municipality, first_name=n, last_name="Spesa")
        for n in ("Carla", "Dino", "Elsa")
    ]
    for minute, person in enumerate(shoppers):
        admitted_application(voucher_call, person, isee=100_000, minutes=minute)
    with all_tenants():
        definition.close_call(admin, voucher_call, reason="Test")
        ranking.build_ranking(admin, voucher_call, RankingKind.PROVISIONAL)
        ranking.build_ranking(admin, voucher_call, RankingKind.FINAL, reason="Nessun ricorso")
        award_service.award_call(admin, voucher_call)
    voucher_call.refresh_from_db()
    wallet_list = list(
        Wallet.objects_unscoped.filter(award__call=voucher_call)
        .select_related("account")
        .prefetch_related("territory_municipalities")
    )
    shops = [make_shop() for _ in range(2)]
    return refund_call, refund_awards, voucher_call, wallet_list, shops, people


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_paid_plus_pending_plus_returned_is_awarded(
    ops, world, system_actor, admin, validator, operator
):
    with transaction.atomic():
        _run(ops, world, system_actor, admin, validator, operator)
        transaction.set_rollback(True)


def _run(ops, world, actor, admin, validator, operator):
    refund_call, awards, voucher_call, wallet_list, shops, people = world
    payer = refund_call.organization
    payments, keys = [], iter(range(10**6))
    # A day of business before the random part: every wallet spends, every award claims.
    prologue = [("pay", n, n, 1_000 + n) for n in range(len(wallet_list))]
    prologue += [("claim", n, 5_000 + n) for n in range(len(awards))]
    # ... and at the end the bank answers, rejected transfers are corrected and paid again.
    epilogue = [("cycle",), ("results", len(ops) * 2_654_435_761 % 4096)]
    epilogue += [("correct", n) for n in range(4)] + [("cycle",), ("results", 4095)]
    for op in [*prologue, *ops, *epilogue]:
        try:
            with transaction.atomic():
                _apply(op, locals())
            event(f"done: {op[0]}")
        except (ValidationError, PermissionDenied):
            event(f"refused: {op[0]}")  # refused operations change nothing (savepoint rolled back)
        _check(refund_call, voucher_call, payer)


def _apply(op, ctx):
    actor, admin, validator, operator = (
        ctx["actor"],
        ctx["admin"],
        ctx["validator"],
        ctx["operator"],
    )
    wallet_list, shops, awards, _people = (
        ctx["wallet_list"],
        ctx["shops"],
        ctx["awards"],
        ctx["people"],
    )
    name = op[0]
    if name == "pay":
        wallet = wallet_list[op[1] % len(wallet_list)]
        ctx["payments"].append(
            wallet_services.pay_from_wallet(
                actor,
                wallet=wallet,
                merchant=shops[op[2] % len(shops)],
                amount=op[3],
                idempotency_key=f"prop-{next(ctx['keys'])}",
            )
        )
    elif name == "void" and ctx["payments"]:
        reverse(actor, ctx["payments"][op[1] % len(ctx["payments"])], reason="Reso")
    elif name == "notes":
        shop = shops[op[1] % len(shops)]
        for note in debit_notes.build_debit_notes(actor, shop):
            debit_notes.issue_debit_note(actor, note)
    elif name == "decide_note":
        notes = list(
            DebitNote.objects_unscoped.filter(status=DebitNoteStatus.ISSUED).order_by("pk")
        )
        if notes:
            note = notes[op[1] % len(notes)]
            if op[2]:
                debit_notes.approve_debit_note(admin, note)
            else:
                debit_notes.reject_debit_note(admin, note, reason="Controllo")
    elif name == "claim":
        award = awards[op[1] % len(awards)]
        claims.submit_claim(
            actor,
            award,
            category="summer_camp",
            amount=op[2],
            expense_date=timezone.localdate(),
            payee=f"Centro {next(ctx['keys'])}",
            upload=receipt(body=str(next(ctx["keys"])).encode()),
        )
    elif name == "review":
        open_claims = list(ExpenseClaim.objects_unscoped.filter(status="submitted").order_by("pk"))
        if open_claims:
            claim = open_claims[op[1] % len(open_claims)]
            if op[2] == "full":
                claim_review.accept_claim(operator, claim)
            elif op[2] == "part" and claim.amount > 1:
                claim_review.accept_claim(
                    operator, claim, amount=claim.amount // 2, reason="In parte"
                )
            else:
                claim_review.reject_claim(operator, claim, reason="No")
    elif name == "batch":
        batch = batches.prepare_batch(admin, ctx["payer"], start=False)
        batch = batches.generate_batch(batch.pk)
        if op[1]:
            batches.approve_batch(validator, batch)
        else:
            batches.withdraw_batch(validator, batch, reason="Ricontrollo")
    elif name == "results":
        batch = (
            PayoutBatch.objects_unscoped.filter(status=BatchStatus.APPROVED).order_by("pk").first()
        )
        if batch is not None:
            items = list(
                BatchItem.objects_unscoped.filter(batch=batch, status=ItemStatus.QUEUED).order_by(
                    "pk"
                )
            )
            outcomes = [
                (i.end_to_end_id, "ACSC" if op[1] >> (n % 12) & 1 else "RJCT", "AC04", None)
                for n, i in enumerate(items)
            ]
            report = results.import_results(
                admin, batch, data=pain002(batch.message_id, outcomes), filename="esiti.xml"
            )
            results.apply_results(admin, report.pk)
    elif name == "correct":
        rejected = list(
            PayoutOrder.objects_unscoped.filter(status=PayoutStatus.REJECTED).order_by("pk")
        )
        if rejected:
            order = rejected[op[1] % len(rejected)]
            if order.provider_id:
                set_payee_account(actor, order.provider, iban=new_iban(), holder="Titolare")
            else:
                correct_order(admin, order, iban=new_iban(), holder=order.person.full_name)
    elif name == "expire":
        wallet_services.expire_wallets(
            actor, today=ctx["voucher_call"].spend_until + datetime.timedelta(days=1)
        )
    elif name == "cycle":
        # Everything pending goes through: notes issued and approved, claims accepted, a batch
        # prepared and approved.
        for shop in shops:
            for note in debit_notes.build_debit_notes(actor, shop):
                if note.total > 0:
                    debit_notes.issue_debit_note(actor, note)
        for note in DebitNote.objects_unscoped.filter(status="issued"):
            debit_notes.approve_debit_note(admin, note)
        for claim in ExpenseClaim.objects_unscoped.filter(status="submitted"):
            claim_review.accept_claim(operator, claim)
        batch = batches.generate_batch(batches.prepare_batch(admin, ctx["payer"], start=False).pk)
        batches.approve_batch(validator, batch)
    elif name == "close_out":
        with all_tenants():
            definition.close_out_call(admin, ctx["refund_call"], reason="Fine")


def _check(refund_call, voucher_call, payer):
    for call in (refund_call, voucher_call):
        call.refresh_from_db()
        f = call_figures(call)
        assert f["paid"] + f["pending"] + f["returned"] == f["awarded"], (call.title, f)
        assert min(f["paid"], f["pending"], f["returned"]) >= 0, f
    setup = payer_setup(payer)
    on_the_way = balance(setup.payable_account) + balance(setup.platform_account)
    unpaid = (
        PayoutOrder.objects_unscoped.exclude(status=PayoutStatus.PAID).aggregate(t=Sum("amount"))[
            "t"
        ]
        or 0
    )
    assert on_the_way == unpaid
    # Nobody is paid twice: at most one paid item and one payout transfer per order.
    assert (
        not BatchItem.objects_unscoped.filter(status=ItemStatus.PAID)
        .values("order")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )
    paid_orders = PayoutOrder.objects_unscoped.filter(status=PayoutStatus.PAID)
    assert Transfer.objects_unscoped.filter(kind=TransferKind.PAYOUT).count() == paid_orders.count()
    assert check_invariants() == []
    assert Award.objects_unscoped.filter(call=refund_call).count() == 2
    if PayoutOrder.objects_unscoped.filter(status=PayoutStatus.PAID).exists():
        event("someone was paid")
