"""Spending policies against the till's SQL gate (vouchers/sql/vouchers_redeem_at_till.sql).

1. Every field of every registered policy names the SQL that enforces it, and that SQL is in
   the gate's condition; every wallet column the condition reads belongs to a policy field.
2. The SQL files are exactly the functions in the migrated database (PostgreSQL).
3. For random wallets (of every registered source), shops and days the gate pays exactly when
   the source's policy allows (the policy's own fields varied), and never pays what the policy
   refuses (every field varied) (PostgreSQL, hypothesis).
"""

import datetime
import re

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benecomune.core.models import Network, Provider
from benecomune.core.sql_files import read_sql, sql_path
from benecomune.ledger import spending
from benecomune.ledger.models import Wallet, WalletSource
from benecomune.ledger.services import funds, wallets
from benecomune.vouchers.services import one_statement
from tests.vouchers.conftest import join, member_shop  # noqa: F401 (fixtures)

GATE_FILE = ("vouchers", "vouchers_redeem_at_till.sql")
# Wallet columns the gate reads to find rows, not to apply a rule.
IDENTITY_COLUMNS = {"id", "organization_id", "person_id", "account_id"}
SQL_FILES = {
    "ledger": ["ledger_transfer.sql"],
    "vouchers": [
        "vouchers_till_wallet.sql",
        "vouchers_record_redemption.sql",
        "vouchers_redeem.sql",
        "vouchers_redeem_at_till.sql",
    ],
}


def _squash(text: str) -> str:
    return " ".join(text.split())


def gate_condition() -> str:
    """The boolean the gate computes as `clear`, whitespace squashed."""
    text = _squash(read_sql(*GATE_FILE))
    match = re.search(r"AS shop_account, \((.*)\) AS clear", text)
    assert match, "the gate's `clear` condition was not found"
    return match.group(1)


def missing_from_gate(policy: spending.SpendingPolicy, condition: str) -> list[str]:
    return [
        f"{policy.name}.{field.name}: {sql}"
        for field in policy.fields
        for sql in field.sql
        if _squash(sql) not in condition
    ]


def test_every_wallet_source_has_a_registered_policy():
    assert set(spending.registered_policies()) == set(WalletSource.values)


def test_every_field_of_every_registered_policy_is_in_the_sql_gate():
    condition = gate_condition()
    for policy in spending.registered_policies().values():
        assert policy.fields, policy.name
        assert missing_from_gate(policy, condition) == []


def test_a_field_missing_from_the_gate_is_found():
    rule = spending.RuleField("cap", lambda *args: None, ("w.cap >= p_amount",))
    policy = spending.SpendingPolicy("with_cap", (*spending.VALIDITY, rule))
    assert missing_from_gate(policy, gate_condition()) == ["with_cap.cap: w.cap >= p_amount"]


def test_every_wallet_column_in_the_gate_is_a_policy_field():
    condition = gate_condition()
    fields = [*spending.ALL_FIELDS]
    for policy in spending.registered_policies().values():
        fields += policy.fields
    declared = " ".join(sql for field in fields for sql in field.sql)
    columns = set(re.findall(r"\bw\.(\w+)", condition)) - IDENTITY_COLUMNS
    assert columns
    assert sorted(c for c in columns if f"w.{c}" not in declared) == []


def test_an_unregistered_source_gets_every_rule():
    wallet = Wallet(source_kind="not_a_source")
    assert spending.policy_for(wallet) is spending.STRICTEST
    assert spending.STRICTEST.fields == spending.ALL_FIELDS


def test_a_source_cannot_be_registered_twice_with_another_policy():
    spending.register_policy(WalletSource.TOP_UP, spending.TOP_UP)  # the same: harmless
    with pytest.raises(ValueError):
        spending.register_policy(WalletSource.TOP_UP, spending.STRICTEST)
    assert spending.registered_policies()[WalletSource.TOP_UP] is spending.TOP_UP


def test_every_sql_file_sets_index_plans_and_is_one_function():
    for app_label, names in SQL_FILES.items():
        assert sorted(p.name for p in sql_path(app_label, "x").parent.glob("*.sql")) == sorted(
            names
        )
        for name in names:
            text = read_sql(app_label, name)
            assert text.count("CREATE OR REPLACE FUNCTION") == 1, name
            assert f"FUNCTION {name.removesuffix('.sql')}(" in text, name
            assert "SET enable_seqscan TO 'off'" in text, name


def _definition(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if not line.startswith("--")]
    return "\n".join(lines).replace("FUNCTION public.", "FUNCTION ")


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_sql_files_are_the_functions_in_the_database():
    with connection.cursor() as cursor:
        for app_label, names in SQL_FILES.items():
            for name in names:
                function = name.removesuffix(".sql")
                cursor.execute("SELECT pg_get_functiondef(%s::regproc)", [function])
                in_database = cursor.fetchone()[0]
                assert _definition(in_database) == _definition(read_sql(app_label, name))


# --- which wallet pays first ---


@pytest.mark.django_db
def test_payment_order_expiry_first_then_smallest_available_then_oldest(
    make_fund, make_wallet, shop, system_actor
):
    from benecomune.ledger.services import holds

    fund = make_fund(100_000)
    soon = TODAY + datetime.timedelta(days=10)
    later = TODAY + datetime.timedelta(days=40)
    big_soon = make_wallet(fund, 5_000, valid_until=soon)
    small_soon = make_wallet(fund, 1_000, valid_until=soon)
    held_soon = make_wallet(fund, 3_000, valid_until=soon)
    # 2,500 of its 3,000 set aside by a hold: 500 available, the smallest.
    holds.authorise(
        system_actor, wallet=held_soon, merchant=shop, amount=2_500, idempotency_key="h1"
    )
    small_later = make_wallet(fund, 100, valid_until=later)
    twin_later = make_wallet(fund, 100, valid_until=later)
    never = make_wallet(fund, 10)
    Wallet.objects_unscoped.filter(pk=never.pk).update(valid_until=None)
    never.refresh_from_db()

    given_order = [never, twin_later, small_later, big_soon, small_soon, held_soon]
    assert spending.payment_order(given_order) == [
        held_soon,
        small_soon,
        big_soon,
        small_later,
        twin_later,
        never,
    ]
    # Wallets that carry their available money are not read again.
    for wallet in given_order:
        wallet.available = {big_soon.pk: 1}.get(wallet.pk, 10_000)
    assert spending.payment_order(given_order)[0] == big_soon


# --- the gate and the policies agree (PostgreSQL) ---

TODAY = timezone.localdate()
CATEGORIES = ["grocery", "pharmacy", "clothing", "education"]


NEUTRAL = {
    "expired": False,
    "valid_from": None,
    "valid_until": None,
    "shop_active": True,
    "categories": [],
    "municipalities": [],
    "network": None,
}
# case key -> (policy field, every value it takes)
DOMAINS = {
    "expired": ("expired_at", [False, True]),
    "valid_from": ("valid_from", [None, -2, -1, 0, 1, 2]),
    "valid_until": ("valid_until", [None, -2, -1, 0, 1, 2]),
    "shop_active": ("merchant_active", [True, False]),
    "categories": ("allowed_categories", [[], ["grocery"], ["pharmacy", "grocery"], ["clothing"]]),
    # indexes into [the shop's Comune, another Comune]
    "municipalities": ("territory_municipalities", [[], [0], [1], [0, 1]]),
    # None, the shop's network, another network
    "network": ("territory_network", [None, 0, 1]),
}


def _fields(source: str, every_field: bool) -> set[str]:
    policy = spending.STRICTEST if every_field else spending.registered_policies()[source]
    return {f.name for f in policy.fields}


@st.composite
def cases(draw, source: str, every_field: bool):
    fields = _fields(source, every_field)
    case = {"source": source, "day": draw(st.integers(min_value=-2, max_value=2))}
    for key, (field, values) in DOMAINS.items():
        # Half the time the value that passes, so that cases where one rule decides are common.
        chosen = draw(st.one_of(st.just(NEUTRAL[key]), st.sampled_from(values)))
        case[key] = chosen if field in fields else NEUTRAL[key]
    case["shop_category"] = draw(st.sampled_from(CATEGORIES))
    case["shop_network_via_seat"] = draw(st.booleans())
    return case


def one_field_cases(source: str):
    """Every value of every field of the source's policy, the others passing, on two days and
    every shop category: each rule on its own."""
    for key, (field, values) in DOMAINS.items():
        if field not in _fields(source, False):
            continue
        for value in values:
            for shop_category in CATEGORIES[:3]:
                for via_seat in (False, True):
                    yield {
                        **NEUTRAL,
                        key: value,
                        "source": source,
                        "day": 0,
                        "shop_category": shop_category,
                        "shop_network_via_seat": via_seat,
                    }


@pytest.fixture
def world(member_shop, municipality, other_municipality, network, make_fund, make_person):  # noqa: F811
    from benecomune.core.actors import Actor

    actor = Actor.system_actor("tests")
    fund = make_fund(1_000_000)
    by_source = {}
    for source in sorted(WalletSource.values):
        wallet = wallets.open_wallet(
            actor,
            person=make_person(municipality),
            organization=municipality,
            title="Buono",
            source_kind=source,
            fund=fund,
        )
        funds.award(actor, fund, wallet, 10_000)
        by_source[source] = wallet
    wallets.merchant_account(member_shop)
    other_network = Network.objects.create(name="Altra rete", slug="altra-rete")
    return {
        "wallets": by_source,
        "shop": member_shop,
        "municipalities": [municipality, other_municipality],
        "networks": [network, other_network],
    }


def _day(offset):
    return None if offset is None else TODAY + datetime.timedelta(days=offset)


def _arrange(world, case) -> Wallet:
    wallet = world["wallets"][case["source"]]
    network = None if case["network"] is None else world["networks"][case["network"]]
    Wallet.objects_unscoped.filter(pk=wallet.pk).update(
        expired_at=timezone.now() if case["expired"] else None,
        valid_from=_day(case["valid_from"]),
        valid_until=_day(case["valid_until"]),
        allowed_categories=case["categories"],
        territory_network=network,
    )
    wallet.territory_municipalities.set(
        [world["municipalities"][i] for i in case["municipalities"]]
    )
    Provider.objects.filter(pk=world["shop"].pk).update(
        is_active=case["shop_active"],
        category=case["shop_category"],
        # The shop's network comes from its seat (the Comune) when it has none of its own.
        network=None if case["shop_network_via_seat"] else world["networks"][0],
    )
    return wallet


def _verdicts(world, case) -> tuple[bool, bool]:
    """(the policy allows, the gate pays), everything rolled back. A source whose payments are
    counted in Python (a company plan's fringe cap) is never paid by the gate: it counts as
    allowed only where the Python path would pay it and the gate sent it there."""
    with transaction.atomic():
        wallet = _arrange(world, case)
        day = TODAY + datetime.timedelta(days=case["day"])
        loaded = Wallet.objects_unscoped.prefetch_related("territory_municipalities").get(
            pk=wallet.pk
        )
        shop = Provider.objects.select_related("municipality").get(pk=world["shop"].pk)
        allowed = spending.refusal(loaded, shop, 100, day) is None
        now = timezone.now()
        params = [f"pos:{shop.pk}:prop", "prop", shop.pk, wallet.pk, 100, day, now]
        params += [None, "test", None, "qr", None, None, None, None]
        with connection.cursor() as cursor:
            cursor.execute(one_statement._SQL, params)
            outcome = cursor.fetchone()[0]
        transaction.set_rollback(True)
    assert outcome in ("paid", "check")
    if spending.counts_payments(wallet):
        assert outcome == "check", case
        return False, False
    return allowed, outcome == "paid"


HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SOURCES = sorted(WalletSource.values)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("source", SOURCES)
def test_each_rule_of_the_policy_alone_decides_the_gate_too(world, source):
    checked = []
    for case in one_field_cases(source):
        allowed, paid = _verdicts(world, case)
        assert paid == allowed, case
        checked.append(allowed)
    if spending.counts_payments(world["wallets"][source]):
        return  # always sent to the Python path (asserted in _verdicts)
    assert True in checked and False in checked


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("source", SOURCES)
def test_the_gate_pays_exactly_what_the_policy_allows(world, source):
    @HYPOTHESIS
    @given(case=cases(source, every_field=False))
    def check(case):
        allowed, paid = _verdicts(world, case)
        assert paid == allowed

    check()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("source", SOURCES)
def test_the_gate_never_pays_what_the_policy_refuses(world, source):
    @HYPOTHESIS
    @given(case=cases(source, every_field=True))
    def check(case):
        allowed, paid = _verdicts(world, case)
        assert allowed or not paid

    check()
