"""Reads on the redemption hot path: everything the till needs in one query, nothing cached.

`load_wallet(wallet_id, merchant_id=..., key=...)` reads, in one statement: the wallet and its
account (balance, pending credits, held), its territory, the issuer's network, the holder's
name; the shop (name, category, active, seat, network) and its receivable account; whether the
shop is an active member (approved, convention accepted) of the issuer's or the network's
circuit; and whether the shop already used `key` for an authorisation. It builds model
instances the ledger's spending rules read without further queries. On PostgreSQL the query
runs inside a PL/pgSQL function, so it is planned once per connection.

Nothing about shops or circuits is cached, so a suspension takes effect on the next call in
every process. (Device tokens are cached for a few seconds: core.services.tokens.)
"""

import datetime
import json

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from benecomune.core.models import Municipality, Organization, Provider
from benecomune.ledger.models import Account, Wallet
from benecomune.ledger.services.wallets import merchant_account
from benecomune.vouchers.models import CircuitMembership, MembershipStatus
from benecomune.vouchers.services.errors import VoucherError


class MerchantContext:
    """The shop at the till. Its data are read lazily, or taken from the wallet query."""

    def __init__(self, merchant_id: int):
        self.merchant_id = merchant_id
        self._merchant = None
        self._account = None
        self._circuits = None

    @property
    def merchant(self) -> Provider:
        if self._merchant is None:
            self._merchant = (
                Provider.objects.select_related("municipality").filter(pk=self.merchant_id).first()
            )
            if self._merchant is None:
                raise VoucherError("forbidden")
        return self._merchant

    @property
    def account(self) -> Account:
        if self._account is None:
            self._account = merchant_account(self.merchant)
        return self._account

    @property
    def circuits(self) -> frozenset:
        """Comuni and networks whose circuit the shop is an active member of."""
        if self._circuits is None:
            self._circuits = frozenset(
                CircuitMembership.objects_unscoped.filter(
                    merchant_id=self.merchant_id,
                    status=MembershipStatus.APPROVED,
                    convention_accepted_at__isnull=False,
                ).values_list("organization_id", flat=True)
            )
        return self._circuits

    def adopt(self, wallet: Wallet) -> None:
        """Take the shop's data read with the wallet (no further query)."""
        if getattr(wallet, "eligible_for", None) != self.merchant_id:
            return
        if self._merchant is None:
            self._merchant = wallet.till_merchant
        if self._account is None and wallet.till_account is not None:
            self._account = wallet.till_account

    def may_redeem(self, wallet: Wallet) -> bool:
        if getattr(wallet, "eligible_for", None) == self.merchant_id:
            return wallet.eligible
        if wallet.organization_id in self.circuits:
            return True
        network_id = getattr(wallet, "issuer_network_id", None)
        if network_id is None:
            network_id = (
                Organization.objects.filter(pk=wallet.organization_id)
                .values_list("network_id", flat=True)
                .first()
            )
        return network_id in self.circuits


def merchant_context(merchant_id: int) -> MerchantContext:
    return MerchantContext(merchant_id)


_WALLET_SQL = """
SELECT w.id, w.organization_id, w.person_id, w.account_id, w.title, w.source_kind,
       w.source_type, w.source_id, w.fund_id, w.allowed_categories, w.territory_network_id,
       w.valid_from, w.valid_until, w.nominative, w.expired_at, w.created_at,
       a.balance, a.held, a.allow_negative, a.name, a.created_at,
       COALESCE((SELECT SUM(d.amount) FROM ledger_balancedelta d WHERE d.account_id = a.id), 0),
       o.network_id, p.first_name, p.last_name,
       {territory},
       EXISTS (SELECT 1 FROM vouchers_authorisation h
               WHERE h.merchant_id = mo.id AND h.idempotency_key = %s),
       mo.id, mo.name, mp.category, mo.is_active, mp.municipality_id,
       COALESCE(mo.network_id, mm.network_id),
       (SELECT ma.id FROM ledger_account ma
        WHERE ma.organization_id = mo.id AND ma.kind = 'merchant'),
       EXISTS (SELECT 1 FROM vouchers_circuitmembership c
               WHERE c.merchant_id = mo.id AND c.status = 'approved'
                 AND c.convention_accepted_at IS NOT NULL
                 AND c.organization_id IN (w.organization_id, o.network_id))
FROM ledger_wallet w
JOIN ledger_account a ON a.id = w.account_id
JOIN core_organization o ON o.id = w.organization_id
JOIN core_person p ON p.id = w.person_id
LEFT JOIN core_organization mo ON mo.id = %s
LEFT JOIN core_provider mp ON mp.organization_ptr_id = mo.id
LEFT JOIN core_organization mm ON mm.id = mp.municipality_id
WHERE w.id = %s
"""
_TERRITORY = {
    "postgresql": "ARRAY(SELECT t.municipality_id FROM ledger_wallet_territory_municipalities t"
    " WHERE t.wallet_id = w.id)",
    "sqlite": "(SELECT group_concat(t.municipality_id) FROM ledger_wallet_territory_municipalities"
    " t WHERE t.wallet_id = w.id)",
}
_SQL = {vendor: _WALLET_SQL.format(territory=sql) for vendor, sql in _TERRITORY.items()}


# On PostgreSQL the same SELECT runs inside `vouchers_till_wallet()`
# (vouchers/sql/vouchers_till_wallet.sql), whose plan PL/pgSQL prepares once per connection;
# the call itself is trivial to plan.
_PG_CALL = "SELECT * FROM vouchers_till_wallet(%s, %s, %s)"


def fetch_one(sql: str, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def load_wallet(wallet_id: int, *, merchant_id: int | None = None, key: str = "") -> Wallet:
    """The wallet, with `wallet.account`, `wallet.available` (balance + pending - held),
    `wallet.issuer_network_id`, `wallet.holder_name` ("Mario R."); with `merchant_id`, also
    `wallet.till_merchant` and `wallet.till_account` (the shop and its receivable),
    `wallet.eligible` (the shop may take this wallet: circuit) and
    `wallet.key_taken_by_authorisation`."""
    sql = _PG_CALL if connection.vendor == "postgresql" else _SQL["sqlite"]
    row = fetch_one(sql, [key or "", merchant_id, wallet_id])
    if row is None:
        raise VoucherError("invalid_code", _("Il buono non esiste più."))
    return _build(row, merchant_id)


def _build(row, merchant_id) -> Wallet:
    (
        pk,
        organization_id,
        person_id,
        account_id,
        title,
        source_kind,
        source_type,
        source_id,
        fund_id,
        categories,
        network_id,
        valid_from,
        valid_until,
        nominative,
        expired_at,
        created_at,
        balance,
        held,
        allow_negative,
        account_name,
        account_created,
        pending,
        issuer_network_id,
        first_name,
        last_name,
        territory,
        key_taken,
        shop_id,
        shop_name,
        shop_category,
        shop_active,
        shop_municipality_id,
        shop_network_id,
        shop_account_id,
        eligible,
    ) = row
    if isinstance(categories, str):
        categories = json.loads(categories)
    if connection.vendor == "sqlite":
        # Raw SQLite rows: text dates and times (naive UTC), comma-separated territory.
        valid_from, valid_until = _date(valid_from), _date(valid_until)
        expired_at, created_at, account_created = (
            _datetime(expired_at),
            _datetime(created_at),
            _datetime(account_created),
        )
        territory = [int(x) for x in territory.split(",")] if territory else []
    account = _instance(
        Account,
        pk=account_id,
        organization_id=organization_id,
        person_id=person_id,
        kind="wallet",
        name=account_name,
        allow_negative=bool(allow_negative),
        balance=balance,
        held=held,
        created_at=account_created,
    )
    wallet = _instance(
        Wallet,
        pk=pk,
        organization_id=organization_id,
        person_id=person_id,
        account_id=account_id,
        title=title,
        source_kind=source_kind,
        source_type=source_type,
        source_id=source_id,
        fund_id=fund_id,
        allowed_categories=categories or [],
        territory_network_id=network_id,
        valid_from=valid_from,
        valid_until=valid_until,
        nominative=bool(nominative),
        expired_at=expired_at,
        created_at=created_at,
    )
    wallet._state.fields_cache["account"] = account
    # The rules read the territory from the prefetch cache: pk-only stand-ins suffice.
    wallet._prefetched_objects_cache = {
        "territory_municipalities": [Municipality(pk=int(m)) for m in territory or []]
    }
    wallet.available = balance + pending - held
    wallet.issuer_network_id = issuer_network_id
    wallet.holder_name = f"{first_name} {last_name[:1]}." if last_name else first_name
    wallet.key_taken_by_authorisation = bool(key_taken)
    wallet.eligible_for = None
    if shop_id is not None and shop_category is not None:
        # The shop as the spending rules read it; its network already resolved through its
        # seat, as check_spendable would.
        wallet.till_merchant = _instance(
            Provider,
            pk=shop_id,
            name=shop_name,
            category=shop_category,
            is_active=bool(shop_active),
            municipality_id=shop_municipality_id,
            network_id=shop_network_id,
            kind="provider",
        )
        wallet.till_account = (
            _instance(
                Account,
                pk=shop_account_id,
                organization_id=shop_id,
                kind="merchant",
                name=shop_name[:200],
                allow_negative=False,
            )
            if shop_account_id is not None
            else None
        )
        wallet.eligible = bool(eligible)
        wallet.eligible_for = merchant_id
    return wallet


def _instance(model, **fields):
    obj = model(**fields)
    obj._state.adding = False
    obj._state.db = "default"
    return obj


def _date(value):
    return parse_date(value) if isinstance(value, str) else value


def _datetime(value):
    if not isinstance(value, str):
        return value
    parsed = parse_datetime(value)
    return timezone.make_aware(parsed, datetime.UTC) if timezone.is_naive(parsed) else parsed
