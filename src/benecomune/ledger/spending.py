"""Spending policies: what a wallet may pay for, per wallet source, evaluated in one place.

A `SpendingPolicy` is an ordered tuple of `RuleField`s. Each field is one rule over the wallet
(its dates, categories, territory) or the merchant, with the Italian refusal it explains, and
names the SQL it maps to in the till's one-statement gate (vouchers/sql/
vouchers_redeem_at_till.sql): tests/ledger/test_spending_policy_sql.py fails when a field of a
registered policy is not in the gate, and checks that the gate and `refusal` agree.

The app owning a wallet source registers its policy (`register_policy`): calls the call award
(calls/spending.py), corporate the company plan (corporate/spending.py), the ledger own top-ups
(here). `refusal` is the one evaluation (`services.rules.check_spendable` calls it);
`payment_order` is the rule for which of a person's wallets pays first.

Purchase rules (`register_purchase_rule`, `purchase_refusal`) are the other half: what a wallet
may pay for depending on *what is bought*, not on the wallet. An app selling something through
payment intents registers a rule for its intents' `object_type` prefix (the marketplace for
`marketplace.service`: public and company wallets pay only accredited providers); payments
evaluates it for every wallet leg when legs are planned, at an intent's creation and at its
authorisation (a hold authorised while allowed is captured: the purchase was agreed then).
The till sells shop goods without such an object type: these rules never reach it, nor its SQL.

The SQL gate checks every wallet column whatever the source, so a policy that ignores a column
(a top-up pays anywhere) only makes the gate send more cases to the Python path, never pass one
that `refusal` refuses. A field that the gate could not express would break that: add it to the
gate's SQL file (and a migration applying it) together with the field.
"""

import contextlib
import contextvars
import dataclasses
import datetime
from collections.abc import Callable, Iterable

from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benecomune.core.models import MerchantCategory, Provider
from benecomune.ledger.models import Wallet, WalletSource


def day_of(at) -> datetime.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime.datetime):
        return timezone.localdate(at)
    return at


def date_text(day: datetime.date) -> str:
    text = formats.date_format(day, "j F Y")
    # Italian writes month names in lower case ("31 dicembre 2026").
    return text.lower() if (get_language() or "").startswith("it") else text


def categories_text(values) -> str:
    labels = [MerchantCategory(v).label.lower() for v in values if v in MerchantCategory.values]
    return str(get_text_list(labels, _("e")))


def territory_ids(wallet: Wallet) -> set[int]:
    # The payment hot path passes wallets with territory_municipalities prefetched: read that
    # cache directly (building the related manager costs more than the check itself).
    prefetched = getattr(wallet, "_prefetched_objects_cache", {}).get("territory_municipalities")
    key = ("ledger.territory", wallet.pk)
    if prefetched is not None:
        ids = {m.pk for m in prefetched}
        memoized(key, lambda: ids)  # for the other instances of the wallet in this scope
        return ids
    # Once per wallet in a `memo_scope` (a booking checks the wallet, then holds it on another
    # instance of it).
    return memoized(key, lambda: {m.pk for m in wallet.territory_municipalities.all()})


# A rule: (wallet, merchant, amount or None, day) -> the refusal in Italian, or None.
Check = Callable[[Wallet, Provider, int | None, datetime.date], str | None]


@dataclasses.dataclass(frozen=True)
class RuleField:
    """One rule of a policy. `sql`: the expressions of the SQL gate that enforce it (each must
    appear in the gate's file)."""

    name: str
    check: Check
    sql: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class SpendingPolicy:
    name: str
    fields: tuple[RuleField, ...]

    def refusal(self, wallet: Wallet, provider: Provider, amount: int | None, day) -> str | None:
        for field in self.fields:
            reason = field.check(wallet, provider, amount, day)
            if reason:
                return reason
        return None


def _expired_text(wallet: Wallet) -> str:
    return _("Il buono è scaduto il %(date)s.") % {
        "date": date_text(wallet.valid_until or timezone.localdate(wallet.expired_at))
    }


def _expired_at(wallet, provider, amount, day):
    return _expired_text(wallet) if wallet.expired_at is not None else None


def _valid_until(wallet, provider, amount, day):
    return _expired_text(wallet) if wallet.valid_until and day > wallet.valid_until else None


def _valid_from(wallet, provider, amount, day):
    if wallet.valid_from and day < wallet.valid_from:
        return _("Il buono si può usare dal %(date)s.") % {"date": date_text(wallet.valid_from)}
    return None


def _merchant_active(wallet, provider, amount, day):
    if not provider.is_active:
        return _("%(merchant)s non è attivo sulla piattaforma.") % {"merchant": provider.name}
    return None


def _categories(wallet, provider, amount, day):
    if wallet.allowed_categories and provider.category not in wallet.allowed_categories:
        return _("Questo buono non si può usare per %(category)s: vale per %(allowed)s.") % {
            "category": MerchantCategory(provider.category).label.lower(),
            "allowed": categories_text(wallet.allowed_categories),
        }
    return None


def _municipalities(wallet, provider, amount, day):
    territory = territory_ids(wallet)
    if territory and provider.municipality_id not in territory:
        return _("%(merchant)s è fuori dai Comuni in cui vale il buono.") % {
            "merchant": provider.name
        }
    return None


def _network(wallet, provider, amount, day):
    # Only when no Comune is listed: a list of Comuni is the narrower territory.
    if not wallet.territory_network_id or territory_ids(wallet):
        return None
    network_id = provider.network_id or (
        provider.municipality.network_id if provider.municipality_id else None
    )
    if network_id != wallet.territory_network_id:
        return _("%(merchant)s è fuori dalla rete di Comuni in cui vale il buono.") % {
            "merchant": provider.name
        }
    return None


EXPIRED_AT = RuleField("expired_at", _expired_at, ("w.expired_at IS NULL",))
VALID_UNTIL = RuleField("valid_until", _valid_until, ("p_today <= w.valid_until",))
VALID_FROM = RuleField("valid_from", _valid_from, ("p_today >= w.valid_from",))
MERCHANT_ACTIVE = RuleField("merchant_active", _merchant_active, ("mo.is_active",))
CATEGORIES = RuleField("allowed_categories", _categories, ("w.allowed_categories ? mp.category",))
MUNICIPALITIES = RuleField(
    "territory_municipalities",
    _municipalities,
    ("ledger_wallet_territory_municipalities", "t.municipality_id = mp.municipality_id"),
)
NETWORK = RuleField(
    "territory_network",
    _network,
    ("w.territory_network_id", "COALESCE(mo.network_id, mm.network_id)"),
)

# Every policy starts with these, in this order (the order decides which refusal is told).
VALIDITY = (EXPIRED_AT, VALID_UNTIL, VALID_FROM, MERCHANT_ACTIVE)
# Every field above: the policy of a source nobody registered (fail closed).
ALL_FIELDS = (*VALIDITY, CATEGORIES, MUNICIPALITIES, NETWORK)
STRICTEST = SpendingPolicy("strictest", ALL_FIELDS)
# Own top-up: the person's own money pays any active merchant while the wallet is valid.
TOP_UP = SpendingPolicy("top_up", VALIDITY)

_REGISTRY: dict[str, SpendingPolicy] = {}


def register_policy(source_kind: str, policy: SpendingPolicy) -> None:
    """Register the policy of a wallet source (from the owning app's ready()). Registering the
    same policy again is harmless; a different one for a taken source is a mistake."""
    current = _REGISTRY.get(source_kind)
    if current is not None and current != policy:
        raise ValueError(f"spending policy for {source_kind!r} already registered")
    _REGISTRY[source_kind] = policy


def registered_policies() -> dict[str, SpendingPolicy]:
    return dict(_REGISTRY)


def policy_for(wallet: Wallet) -> SpendingPolicy:
    return _REGISTRY.get(wallet.source_kind, STRICTEST)


def refusal(wallet: Wallet, provider: Provider, amount: int | None = None, at=None) -> str | None:
    """None when `wallet` may pay `provider` on `at` (default today) under its source's policy;
    otherwise why not, in Italian. The balance is the transfer's business."""
    return policy_for(wallet).refusal(wallet, provider, amount, day_of(at))


def _expiry_key(wallet: Wallet) -> datetime.date:
    return wallet.valid_until or datetime.date.max


# Breadth of an unrestricted dimension: wider than any real list.
_ANY = 10**9


def breadth_key(wallet: Wallet) -> tuple[int, int, int]:
    """How widely `wallet` may be spent, narrowest first: the number of unrestricted
    dimensions (categories, territory), then how many categories it allows, then how wide its
    territory is (its Comuni, else a network, else anywhere)."""
    categories = len(wallet.allowed_categories or ()) or _ANY
    municipalities = len(territory_ids(wallet))
    if municipalities:
        territory = municipalities
    elif wallet.territory_network_id:
        territory = _ANY - 1  # a whole network: wider than any list of Comuni
    else:
        territory = _ANY
    open_dimensions = (categories == _ANY) + (territory == _ANY)
    return (open_dimensions, categories, territory)


def payment_order(wallets: Iterable[Wallet]) -> list[Wallet]:
    """Which wallet pays first: the one expiring first (no end date last: its money would
    otherwise go back to its fund); among equal expiry the most restricted one (`breadth_key`:
    the wider wallet stays for purchases the narrow one cannot pay); then the smallest
    available balance (fewer wallets left with crumbs), then the oldest. Available = balance +
    pending credits - holds; read in one query unless every wallet carries it as `available`
    (cents)."""
    wallets = list(wallets)
    missing = [w.account_id for w in wallets if getattr(w, "available", None) is None]
    available = {}
    if missing:
        from benecomune.ledger.models import Account
        from benecomune.ledger.services.statements import with_balances

        available = {
            pk: current - held
            for pk, current, held in with_balances(
                Account.objects_unscoped.filter(pk__in=missing)
            ).values_list("pk", "current_balance", "held")
        }

    def money(wallet: Wallet) -> int:
        value = getattr(wallet, "available", None)
        return value if value is not None else available.get(wallet.account_id, 0)

    return sorted(wallets, key=lambda w: (_expiry_key(w), breadth_key(w), money(w), w.pk or 0))


# A purchase rule: (wallet, payee, object_type, object_id, day) -> the refusal, or None.
PurchaseRule = Callable[[Wallet, Provider, str, str, datetime.date], str | None]
_PURCHASE_RULES: dict[str, PurchaseRule] = {}


def register_purchase_rule(object_type_prefix: str, rule: PurchaseRule) -> None:
    """Register the rule for intents whose object_type starts with `object_type_prefix` (from
    the owning app's ready()). The same rule again is harmless; another one is a mistake."""
    if not object_type_prefix:
        raise ValueError("a purchase rule needs an object type prefix")
    current = _PURCHASE_RULES.get(object_type_prefix)
    if current is not None and current != rule:
        raise ValueError(f"purchase rule for {object_type_prefix!r} already registered")
    _PURCHASE_RULES[object_type_prefix] = rule


def purchase_refusal(
    wallet: Wallet, payee: Provider, object_type: str, object_id: str = "", at=None
) -> str | None:
    """None when `wallet` may pay `payee` for the object bought (every rule whose prefix
    `object_type` starts with agrees); otherwise why not, in Italian."""
    if not object_type:
        return None
    for prefix, rule in _PURCHASE_RULES.items():
        if object_type.startswith(prefix):
            reason = rule(wallet, payee, object_type, str(object_id), day_of(at))
            if reason:
                return reason
    return None


register_policy(WalletSource.TOP_UP, TOP_UP)


# -- What is being bought, while payments check and hold wallet legs of an intent. A policy may
# read it (`current_purchase`) to let the object's own purchase rule decide what the merchant's
# category would otherwise decide (a company plan: the service's art. 51 category, not the
# provider's merchant category). Unset at the till and in shops: merchant categories decide.
@dataclasses.dataclass(frozen=True)
class Purchase:
    object_type: str
    object_id: str


_PURCHASE: contextvars.ContextVar[Purchase | None] = contextvars.ContextVar(
    "ledger_purchase", default=None
)


@contextlib.contextmanager
def buying(object_type: str, object_id: str = ""):
    token = _PURCHASE.set(Purchase(object_type, str(object_id)) if object_type else None)
    try:
        yield
    finally:
        _PURCHASE.reset(token)


def current_purchase() -> Purchase | None:
    """The object being bought, when it has a registered purchase rule; None otherwise."""
    purchase = _PURCHASE.get()
    if purchase is None:
        return None
    if any(purchase.object_type.startswith(prefix) for prefix in _PURCHASE_RULES):
        return purchase
    return None


# -- Hold hooks: an app owning a wallet source may count what its wallets hold (the corporate
# app: per-category limits and the fringe-benefit cap), in the hold's own transaction, and refuse
# it by raising a LedgerError. `on_hold(wallet, merchant, amount, reservation)` runs after the
# hold is written; `on_release(wallet, reservation, amount)` when part of it is released.
# Direct payments (the till: `wallets.pay_from_wallet`, `linked.pay_and_record`) run
# `on_pay(wallet, merchant, amount, payment)` in the payment's transaction (a replay finds its
# own count and adds nothing); a refund or reversal of a wallet's payment runs
# `on_refund(wallet, original, amount)` once, in its transaction. A source with `on_pay` never
# goes through the till's one-statement SQL path (its policy sends it to the Python path).
@dataclasses.dataclass(frozen=True)
class HoldHooks:
    on_hold: Callable
    on_release: Callable
    on_pay: Callable | None = None
    on_refund: Callable | None = None


_HOLD_HOOKS: dict[str, HoldHooks] = {}


def register_hold_hooks(source_kind: str, hooks: HoldHooks) -> None:
    current = _HOLD_HOOKS.get(source_kind)
    if current is not None and current != hooks:
        raise ValueError(f"hold hooks for {source_kind!r} already registered")
    _HOLD_HOOKS[source_kind] = hooks


def hold_hooks(wallet: Wallet) -> HoldHooks | None:
    return _HOLD_HOOKS.get(wallet.source_kind)


# -- A memo for one use case (a booking and its order): the rows the checks of every wallet,
# at every stage (offer, intent, authorisation), read again and again (the service bought, the
# provider's accreditation) are loaded once. Outside a `memo_scope` nothing is kept.
_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "ledger_spending_memo", default=None
)


@contextlib.contextmanager
def memo_scope():
    """Keep `memoized` values until the scope ends (nested scopes share the outer one); also a
    decorator of a service function."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memoized(key: tuple, load: Callable[[], object]):
    """`load()`, once per `key` inside a `memo_scope`; every time outside one."""
    memo = _MEMO.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]


def counts_payments(wallet: Wallet) -> bool:
    """Whether direct payments from `wallet` must run its source's `on_pay` (Python path)."""
    hooks = _HOLD_HOOKS.get(wallet.source_kind)
    return hooks is not None and hooks.on_pay is not None


def payment_given_back(original, amount: int) -> None:
    """Part (`amount`) of a wallet's PAYMENT `original` came back (refund or reversal): tell the
    wallet source's hooks, in the caller's transaction. Called once per refund/reversal."""
    from benecomune.ledger.models import TransferKind

    if original.kind != TransferKind.PAYMENT or not _HOLD_HOOKS:
        return
    wallet = Wallet.objects_unscoped.filter(account_id=original.debit_account_id).first()
    hooks = hold_hooks(wallet) if wallet is not None else None
    if hooks is not None and hooks.on_refund is not None:
        hooks.on_refund(wallet, original, amount)
