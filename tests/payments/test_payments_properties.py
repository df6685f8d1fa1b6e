"""Property: payment intents with 1-3 legs (wallets and own money) through random sequences of
authorise, capture (full or partial), void and refund (full or partial) keep the ledger's
invariants after every step, conserve money, and keep every total equal to its legs' sum.
A refund moves exactly what it gives back: one REFUND per piece it touches (two for own money:
the payment's and the top-up's), and no reversal.
An independent model says what each step must do; runs on SQLite and on PostgreSQL."""

import uuid

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benecomune.ledger.exceptions import InsufficientFunds
from benecomune.ledger.models import Account, AccountKind, Transfer, TransferKind
from benecomune.ledger.services import statements
from benecomune.ledger.services.invariants import check_invariants
from benecomune.ledger.services.wallets import merchant_account
from benecomune.payments import gateways
from benecomune.payments.exceptions import GatewayDeclined, IntentStateError
from benecomune.payments.gateways import FakeGateway
from benecomune.payments.models import IntentStatus, LegCapture
from benecomune.payments.services import checkout, refunds
from benecomune.payments.services.common import legs_of
from benecomune.payments.services.movements import piece_left
from benecomune.payments.services.planning import gateway_leg, wallet_leg
from tests.payments.conftest import BALANCES

pytestmark = pytest.mark.django_db

maybe_amount = st.one_of(st.none(), st.integers(min_value=1, max_value=4_000))
steps = st.lists(
    st.one_of(
        st.just(("authorise",)),
        st.tuples(st.just("capture"), maybe_amount),
        st.just(("void",)),
        st.tuples(st.just("refund"), maybe_amount),
    ),
    min_size=1,
    max_size=8,
)
legs_strategy = st.lists(
    st.tuples(st.sampled_from([0, 1, 2, "own"]), st.integers(min_value=1, max_value=2_200)),
    min_size=1,
    max_size=3,
    unique_by=lambda leg: leg[0],
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    legs=legs_strategy,
    ops=steps,
    start=st.sampled_from([(), (("authorise",),), (("authorise",), ("capture", None))]),
    decline=st.sampled_from([False, False, False, True]),
)
def test_random_intents_keep_the_ledger_sound(
    legs, ops, start, decline, system_actor, buyer, shop_, buyer_wallets
):
    ops = [*start, *ops]  # most examples get past authorisation, so that later steps matter
    previous = gateways._GATEWAYS["fake"]
    gateway = FakeGateway(decline=decline)
    gateways.register_gateway(gateway)
    try:
        with transaction.atomic():
            _run(legs, ops, gateway, system_actor, buyer, shop_, buyer_wallets)
            transaction.set_rollback(True)
    finally:
        gateways.register_gateway(previous)


class Model:
    """What the intent and its legs must look like: leg amounts, captured, refunded."""

    def __init__(self, amounts):
        self.amounts = amounts
        self.captured = [0] * len(amounts)
        self.refunded = [0] * len(amounts)
        self.status = IntentStatus.REQUIRES_AUTHORISATION

    def capture(self, amount):
        rest = amount
        for n, leg_amount in enumerate(self.amounts):
            self.captured[n] = min(rest, leg_amount)
            rest -= self.captured[n]
        whole = amount == sum(self.amounts)
        self.status = IntentStatus.CAPTURED if whole else IntentStatus.PARTIALLY_CAPTURED

    def refund(self, amount):
        rest = amount
        for n in reversed(range(len(self.amounts))):
            part = min(rest, self.captured[n] - self.refunded[n])
            self.refunded[n] += part
            rest -= part
        done = sum(self.refunded) == sum(self.captured)
        self.status = IntentStatus.REFUNDED if done else IntentStatus.PARTIALLY_REFUNDED

    def net(self, n):
        return self.captured[n] - self.refunded[n]


def _run(legs, ops, gateway, actor, buyer, shop, wallets):
    specs = [
        gateway_leg("fake", amount) if source == "own" else wallet_leg(wallets[source], amount)
        for source, amount in legs
    ]
    total = sum(spec.amount for spec in specs)
    receivable = merchant_account(shop)
    merchant_before = statements.balance(receivable)
    intent = checkout.create_intent(
        actor,
        buyer=buyer,
        payee=shop,
        amount=total,
        legs=specs,
        idempotency_key=f"prop-{uuid.uuid4().hex}",
    )
    model = Model([spec.amount for spec in specs])
    for op in ops:
        _step(op, intent, model, specs, gateway, actor)
        assert check_invariants() == []
        _check(intent, model, specs, wallets, gateway, receivable, merchant_before)
    call_command("ledger_check", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _step(op, intent, model, specs, gateway, actor):
    name, amount = op[0], (op[1] if len(op) > 1 else None)
    S = IntentStatus
    if name == "authorise":
        if model.status == S.REQUIRES_AUTHORISATION:
            short = any(
                spec.wallet is not None and spec.amount > statements.available(spec.wallet.account)
                for spec in specs
            )
            declined = gateway.decline and any(spec.wallet is None for spec in specs)
            if short or declined:
                with pytest.raises((InsufficientFunds, GatewayDeclined)):
                    checkout.authorise(actor, intent)
                model.status = S.FAILED
            else:
                checkout.authorise(actor, intent)
                model.status = S.AUTHORISED
        elif model.status in (S.FAILED, S.VOIDED):
            with pytest.raises(IntentStateError):
                checkout.authorise(actor, intent)
        else:
            checkout.authorise(actor, intent)  # a replay: changes nothing
    elif name == "capture":
        total = sum(model.amounts)
        if model.status == S.AUTHORISED and (amount is None or amount <= total):
            checkout.capture(actor, intent, amount)
            model.capture(total if amount is None else amount)
        elif model.status in (S.CAPTURED, S.PARTIALLY_CAPTURED) and amount in (
            None,
            sum(model.captured),
        ):
            checkout.capture(actor, intent, amount)  # a replay
        else:
            with pytest.raises(IntentStateError):
                checkout.capture(actor, intent, amount)
    elif name == "void":
        if model.status in (S.REQUIRES_AUTHORISATION, S.AUTHORISED, S.VOIDED):
            checkout.void(actor, intent)
            model.status = S.VOIDED
        else:
            with pytest.raises(IntentStateError):
                checkout.void(actor, intent)
    else:
        left = sum(model.captured) - sum(model.refunded)
        refundable = model.status in (S.CAPTURED, S.PARTIALLY_CAPTURED, S.PARTIALLY_REFUNDED)
        key = f"refund-{uuid.uuid4().hex}"
        if refundable and (amount is None or amount <= left):
            _refund_moves_each_piece_once(actor, intent, amount, key)
            model.refund(left if amount is None else amount)
        else:
            with pytest.raises(IntentStateError):
                refunds.refund(actor, intent, amount, idempotency_key=key)


def _refund_moves_each_piece_once(actor, intent, amount, key):
    """Refund, then check the new transfers: for every piece whose rest went down, exactly one
    REFUND of its PAYMENT for that difference (and one of its TOP_UP for own money); nothing
    else, and no reversal."""
    pieces = list(LegCapture.objects_unscoped.filter(leg__intent_id=intent.pk))
    before = {piece.pk: piece_left(piece) for piece in pieces}
    last = Transfer.objects_unscoped.order_by("-pk").values_list("pk", flat=True).first() or 0
    refunds.refund(actor, intent, amount, idempotency_key=key)
    new = Transfer.objects_unscoped.filter(pk__gt=last)
    assert not new.filter(kind=TransferKind.REVERSAL).exists()
    assert not new.exclude(kind=TransferKind.REFUND).exists()
    made = sorted((int(t.object_id), t.amount) for t in new)
    expected = []
    for piece in pieces:
        piece.refresh_from_db()
        back = before[piece.pk] - piece_left(piece)
        assert piece.refunded == (piece_left(piece) == 0)
        if back:
            expected.append((piece.payment_id, back))
            if piece.top_up_id is not None:
                expected.append((piece.top_up_id, back))
    assert made == sorted(expected)
    assert sum(back for pk, back in expected if pk in {p.payment_id for p in pieces}) == (
        amount if amount is not None else sum(before.values())
    )


def _check(intent, model, specs, wallets, gateway, receivable, merchant_before):
    intent.refresh_from_db()
    legs = list(legs_of(intent))
    assert intent.status == model.status
    assert [leg.captured for leg in legs] == model.captured
    assert [leg.refunded for leg in legs] == model.refunded
    assert intent.captured == sum(leg.captured for leg in legs)
    assert intent.refunded == sum(leg.refunded for leg in legs)
    for n, leg in enumerate(legs):
        # What the leg's pieces still hold (a piece partly refunded holds its rest).
        live = LegCapture.objects_unscoped.filter(leg=leg, refunded=False)
        assert sum(piece_left(piece) for piece in live) == model.net(n)
    # Money conserved: what left the wallets and the provider is what the shop holds.
    held = model.status == IntentStatus.AUTHORISED
    by_wallet = {spec.wallet.pk: n for n, spec in enumerate(specs) if spec.wallet is not None}
    for wallet, start in zip(wallets, BALANCES, strict=True):
        n = by_wallet.get(wallet.pk)
        spent = model.net(n) if n is not None else 0
        assert statements.balance(wallet.account) == start - spent
        wallet.account.refresh_from_db()
        assert wallet.account.held == (specs[n].amount if held and n is not None else 0)
    assert statements.balance(receivable) - merchant_before == sum(
        model.net(n) for n in range(len(specs))
    )
    own = [n for n, spec in enumerate(specs) if spec.wallet is None]
    provider = Account.objects_unscoped.filter(kind=AccountKind.EXTERNAL, name__contains="fake")
    outside = sum(statements.balance(a) for a in provider)
    assert outside == -sum(model.net(n) for n in own)
    for n in own:
        reference = legs[n].reference
        if reference in gateway.authorisations:
            fake = gateway.authorisations[reference]
            assert fake.captured - fake.refunded == model.net(n)
