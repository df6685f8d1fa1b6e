"""PostgreSQL: the one-round-trip `ledger_transfer()` function and the Python implementation
(the SQLite path, switched on with `transfers.USE_PG_FUNCTION = False`) write the same rows,
raise the same errors and return the same transfer, operation by operation."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent
from benecomune.ledger.models import (
    Account,
    BalanceDelta,
    Entry,
    Reservation,
    Transfer,
    Wallet,
)
from benecomune.ledger.services import funds, transfers, wallets

pytestmark = pytest.mark.postgres

TRANSFER_FIELDS = [
    "idempotency_key",
    "kind",
    "debit_account_id",
    "credit_account_id",
    "amount",
    "object_type",
    "object_id",
    "memo",
    "actor_id",
    "actor_role",
    "reservation_id",
    "reversal_of_id",
]
AUDIT_FIELDS = [
    "actor_id",
    "actor_role",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "person_id",
    "before",
    "after",
    "reason",
    "ip_address",
]


def _state(since):
    """Everything a transfer can write, with new transfer ids replaced by their order."""
    new = list(
        Transfer.objects_unscoped.filter(pk__gt=since["transfer"])
        .order_by("pk")
        .values("pk", "created_at", *TRANSFER_FIELDS)
    )
    names = {t["pk"]: f"T{n}" for n, t in enumerate(new)}

    def name(value):
        return names.get(value, value)

    for t in new:
        assert (
            list(
                Entry.objects_unscoped.filter(transfer_id=t["pk"]).values_list(
                    "created_at", flat=True
                )
            )
            == [t["created_at"]] * 2
        )
    entries = sorted(
        (name(e.transfer_id), e.account_id, e.amount)
        for e in Entry.objects_unscoped.filter(pk__gt=since["entry"])
    )
    audit = []
    for event in AuditEvent.objects_unscoped.filter(pk__gt=since["audit"]).order_by("pk"):
        row = {f: getattr(event, f) for f in AUDIT_FIELDS}
        if row["object_type"] == "ledger.transfer":
            label = name(int(row["object_id"]))
            row["object_repr"] = row["object_repr"].replace(f"#{row['object_id']} ", f"#{label} ")
            row["object_id"] = label
        if isinstance(row["after"], dict) and "transfer" in row["after"]:
            row["after"]["transfer"] = name(row["after"]["transfer"])
        audit.append(row)
    return {
        "transfers": [
            {
                **{f: t[f] for f in TRANSFER_FIELDS},
                "reversal_of_id": name(t["reversal_of_id"]),
            }
            for t in new
        ],
        "entries": entries,
        "audit": audit,
        "deltas": sorted(BalanceDelta.objects.values_list("account_id", "amount")),
        "accounts": list(
            Account.objects_unscoped.order_by("pk").values_list("pk", "balance", "held")
        ),
        "reservations": list(
            Reservation.objects_unscoped.order_by("pk").values_list("pk", "consumed", "released")
        ),
    }


def _run(op, *, fast, monkeypatch):
    """Run op with one implementation inside a savepoint, capture its effects, roll back."""
    monkeypatch.setattr(transfers, "USE_PG_FUNCTION", fast)
    since = {
        "transfer": Transfer.objects_unscoped.order_by("-pk").values_list("pk", flat=True)[0],
        "entry": Entry.objects_unscoped.order_by("-pk").values_list("pk", flat=True)[0],
        "audit": AuditEvent.objects_unscoped.order_by("-pk").values_list("pk", flat=True)[0],
    }
    with transaction.atomic():
        try:
            result = op()
        except Exception as exc:  # compared between the two implementations
            outcome = ("raised", type(exc), str(exc))
        else:
            outcome = (
                "returned",
                {f: getattr(result, f) for f in TRANSFER_FIELDS if f != "reversal_of_id"},
                result.pk > since["transfer"],
                result.debit_account.pk,
                result.credit_account.pk,
            )
        state = _state(since)
        transaction.set_rollback(True)
    return outcome, state


@pytest.fixture
def world(make_fund, make_wallet, make_provider, make_person, make_user, municipality):
    fund = make_fund(50_000)
    person = make_person(municipality)
    settled = make_wallet(fund, 10_000, person=person, categories=["grocery"])
    transfers.settle(settled.account)  # a payment from it takes the one-UPDATE fast path
    unsettled = make_wallet(fund, 3_000)  # credited by a delta: a payment must fold it first
    shop = make_provider(category="grocery")
    pharmacy = make_provider(category="pharmacy")
    actor = Actor.system_actor("tests")
    citizen = Actor(user=make_user("titolare@example.org", person=person), ip_address="192.0.2.7")
    payment = wallets.pay_from_wallet(
        actor, wallet=settled, merchant=shop, amount=700, idempotency_key="p0"
    )
    reservation = funds.reserve(actor, fund, 4_000, idempotency_key="r0")
    # Accounts the operations use exist beforehand (ids are not rolled back between runs).
    wallets.merchant_account(pharmacy)
    funds.add_contribution(actor, fund, contributor="Regione", amount=1, idempotency_key="c0")
    transfers.settle(fund.account)
    return {
        "fund": fund,
        "settled": settled,
        "unsettled": unsettled,
        "shop": shop,
        "pharmacy": pharmacy,
        "actor": actor,
        "citizen": citizen,
        "payment": payment,
        "reservation": reservation,
    }


def _fresh(wallet):
    return (
        Wallet.objects_unscoped.select_related("account")
        .prefetch_related("territory_municipalities")
        .get(pk=wallet.pk)
    )


def _pay(wallet, merchant, amount, key="k", **extra):
    """A payment from the world's `wallet` (reloaded) at its `merchant`."""
    return lambda w: wallets.pay_from_wallet(
        w["actor"],
        wallet=_fresh(w[wallet]),
        merchant=w[merchant],
        amount=amount,
        idempotency_key=key,
        **extra,
    )


def _transfer_to_shop(amount, key, wallet=None):
    """A payment by transfers.transfer from the settled wallet's account; with `wallet`, that
    world's wallet is preloaded for the rules."""
    return lambda w: transfers.transfer(
        w["actor"],
        debit=w["settled"].account,
        credit=wallets.merchant_account(w["shop"]),
        amount=amount,
        kind="payment",
        idempotency_key=key,
        **({"wallet": _fresh(w[wallet])} if wallet else {}),
    )


def _award(amount):
    return lambda w: funds.award(
        w["actor"],
        w["fund"],
        _fresh(w["settled"]),
        amount,
        reservation=w["reservation"],
        idempotency_key="k",
    )


OPERATIONS = {
    "payment, fast debit": _pay("settled", "shop", 1_234, memo="Spesa"),
    "payment by the citizen, with ip and object": lambda w: wallets.pay_from_wallet(
        w["citizen"],
        wallet=_fresh(w["settled"]),
        merchant=w["shop"],
        amount=99,
        idempotency_key="k",
        obj=w["fund"],
    ),
    "payment folding pending credits": _pay("unsettled", "pharmacy", 2_500),
    "payment without preloaded objects": _transfer_to_shop(10, "k"),
    "insufficient balance": _pay("unsettled", "shop", 3_001),
    "refused by the rules": _pay("settled", "pharmacy", 10),
    "replay": _pay("settled", "shop", 700, "p0"),
    # A mismatching wallet: refused, but it is a replay.
    "replay that the rules would now refuse": _transfer_to_shop(700, "p0", wallet="unsettled"),
    "key reused for different data": _pay("settled", "shop", 701, "p0"),
    "award from a reservation": _award(1_500),
    "award beyond the reservation": _award(4_001),
    "contribution (external payer, appended)": lambda w: funds.add_contribution(
        w["actor"], w["fund"], contributor="Regione", amount=5_000, idempotency_key="k"
    ),
    "reversal": lambda w: transfers.reverse(w["actor"], w["payment"], idempotency_key="k"),
    "second reversal": lambda w: (
        transfers.reverse(w["actor"], w["payment"], idempotency_key="k1"),
        transfers.reverse(w["actor"], w["payment"], idempotency_key="k2"),
    )[1],
    "expiry": lambda w: wallets.expire_wallets(
        w["actor"], today=timezone.localdate() + datetime.timedelta(days=400)
    )[0],
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_function_and_python_path_write_the_same(name, world, monkeypatch):
    op = OPERATIONS[name]
    fast = _run(lambda: op(world), fast=True, monkeypatch=monkeypatch)
    python = _run(lambda: op(world), fast=False, monkeypatch=monkeypatch)
    assert fast == python


@pytest.mark.django_db(transaction=True)
def test_payment_is_one_statement_in_autocommit(make_fund, make_wallet, shop, system_actor):
    """Outside any transaction a payment is one statement: no BEGIN, no COMMIT, no savepoint."""
    wallet = make_wallet(make_fund(10_000), 5_000)
    receivable = wallets.merchant_account(shop)
    wallet = _fresh(wallet)
    with CaptureQueriesContext(connection) as queries:
        payment = wallets.pay_from_wallet(
            system_actor,
            wallet=wallet,
            merchant=shop,
            amount=100,
            idempotency_key="one",
            merchant_account_=receivable,
        )
    calls = [q["sql"].split("(")[0] for q in queries.captured_queries]
    # The shared value lookup (observatory: does the shop give a share to a project?), then
    # the transfer: one statement each, still no BEGIN/COMMIT when nothing is routed.
    assert calls[0].startswith("SELECT a.mode") and calls[1:] == ["SELECT ledger_transfer"]
    assert Transfer.objects_unscoped.get(pk=payment.pk).amount == 100
