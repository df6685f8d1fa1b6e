"""A device's QR redemption in one statement, on PostgreSQL: the POS API's common case.

`vouchers_redeem_at_till()` (migration 0003) reads the wallet, the shop and its circuit and,
when every rule is plainly met, pays and writes the redemption row, all in one round trip and
one commit. When it answers 'check' (something to refuse or to look at closer) or 'replay' (the
key was used before), it has written nothing and the caller takes the usual path
(`redeem.redeem`), which decides and explains exactly as it always does.

Only devices use it (their actor needs no permission check of its own); the till page, typed
codes and printed cards go the usual way.
"""

import datetime
from dataclasses import dataclass

import psycopg
from django.db import DatabaseError, connections
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.ledger.services import linked, transfers
from benecomune.ledger.services import transfers_pg as pg
from benecomune.vouchers.models import Channel, Redemption
from benecomune.vouchers.services.lookup import MerchantContext

_SQL = (
    "SELECT * FROM vouchers_redeem_at_till(%s::text, %s::text, %s::bigint, %s::bigint,"
    " %s::bigint, %s::date, %s::timestamptz, %s::bigint, %s::text, %s::inet, %s::text,"
    " %s::bigint, %s::bigint, %s::bigint)"
)


def applies(actor: Actor) -> bool:
    conn = connections["default"]
    return (
        actor.system
        and conn.vendor == "postgresql"
        and transfers.USE_PG_FUNCTION
        and conn.get_autocommit()
        and not conn.in_atomic_block
    )


@dataclass(frozen=True, slots=True)
class Paid:
    """A redemption just written by the function: what the till's answer needs
    (`vouchers.api.redemption_out` reads these names), without building a model."""

    pk: int
    merchant_id: int
    issuer_id: int
    wallet_id: int
    transfer_id: int
    amount: int
    balance_after: int
    device_id: int | None
    created_at: datetime.datetime
    channel: str = Channel.QR
    voided_at: None = None
    authorisation_id: None = None
    replayed: bool = False

    def as_redemption(self) -> Redemption:
        redemption = Redemption(
            pk=self.pk,
            merchant_id=self.merchant_id,
            issuer_id=self.issuer_id,
            wallet_id=self.wallet_id,
            transfer_id=self.transfer_id,
            amount=self.amount,
            balance_after=self.balance_after,
            channel=self.channel,
            device_id=self.device_id,
            created_at=self.created_at,
        )
        redemption._state.adding = False
        redemption._state.db = "default"
        redemption.replayed = False
        return redemption


def pay(
    actor: Actor,
    ctx: MerchantContext,
    *,
    wallet_id: int,
    amount: int,
    key: str,
    client_key: str,
    device_id: int | None,
) -> Paid | None:
    """The new redemption, or None when the usual path must decide (nothing written then).
    Raises the ledger's InsufficientFunds when the balance does not cover `amount`."""
    conn = connections["default"]
    now = timezone.now()
    params = (
        key,
        client_key,
        ctx.merchant_id,
        wallet_id,
        amount,
        timezone.localdate(now),
        now,
        actor.user.pk if actor.user else None,
        actor.label,
        actor.ip_address or None,
        Channel.QR,
        None,
        device_id,
        None,
    )
    try:
        row = linked.call_function(conn, _SQL, params)
    except (DatabaseError, psycopg.Error) as exc:
        pg.raise_refusal(exc, None, amount)
        raise
    if row is None or row[0] != "paid":
        return None
    _outcome, transfer_id, pk, balance_after, issuer_id = row
    return Paid(
        pk=pk,
        merchant_id=ctx.merchant_id,
        issuer_id=issuer_id,
        wallet_id=wallet_id,
        transfer_id=transfer_id,
        amount=amount,
        balance_after=balance_after,
        device_id=device_id,
        created_at=now,
    )
