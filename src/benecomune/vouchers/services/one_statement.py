"""A device's QR redemption in one statement, on PostgreSQL: the POS API's common case.

`vouchers_redeem_at_till()` (vouchers/sql/vouchers_redeem_at_till.sql) reads the wallet, the
shop and its circuit and, when every rule is plainly met, pays, writes the redemption row and
the citizen's notice (the outbox `vouchers_tillnotice`), all in one round trip and one commit.
When it answers 'check' (something to refuse or to look at closer) or 'replay' (the key was
used before), it has written nothing and the caller takes the usual path (`redeem.redeem`),
which decides and explains exactly as it always does. Given the id of a device token the caller
took from its cache without reading the revocation version (the API's fast path), it first
checks that the token is still valid, and answers 'token' (nothing written) when it is not:
`TOKEN_CHANGED`.

Only devices use it (`applies`: a device actor holding merchant.redeem); the till page, typed
codes (single-use: consumed with the payment) and printed cards go the usual way. A payment
made here is notified to the citizen like any other: its notice is written by the function
itself and sent by `notices.drain` (at once when Celery runs inline, else by beat).
"""

import datetime
from dataclasses import dataclass

import psycopg
from django.db import DatabaseError, connections
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.ledger.services import linked, sharing, transfers
from benecomune.ledger.services import transfers_pg as pg
from benecomune.vouchers.models import Channel, Redemption
from benecomune.vouchers.services import notices
from benecomune.vouchers.services.lookup import MerchantContext

_SQL = (
    "SELECT * FROM vouchers_redeem_at_till(%s::text, %s::text, %s::bigint, %s::bigint,"
    " %s::bigint, %s::date, %s::timestamptz, %s::bigint, %s::text, %s::inet, %s::text,"
    " %s::bigint, %s::bigint, %s::bigint, %s::bigint)"
)
# pay()'s answer when the cached token it was given is no longer valid (revoked, deleted).
TOKEN_CHANGED = "token"  # noqa: S105 (an outcome, not a secret)


def applies(actor: Actor) -> bool:
    """Whether a payment may go through the one statement: a device's (or a system actor's).
    The function checks no permission itself, so the device's is checked here, in memory
    (no query: the API binds the device to the shop it pays for)."""
    conn = connections["default"]
    return (
        (actor.system or (actor.is_device and actor.has_perm("merchant.redeem")))
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


def pay_at_till(
    actor: Actor,
    ctx: MerchantContext,
    *,
    wallet_id: int,
    amount: int,
    key: str,
    client_key: str,
    device_id: int | None,
    cached_token_id: int | None = None,
) -> Paid | str | None:
    """The new redemption, or None when the usual path must decide, or TOKEN_CHANGED when
    `cached_token_id` (a token read from the cache without the revocation version) is not
    valid any more (nothing written in either case). Raises the ledger's InsufficientFunds
    when the balance does not cover `amount`."""
    if sharing.applies_to(ctx.merchant_id):
        return None  # shared value is routed on the usual path (ledger/services/sharing.py)
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
        cached_token_id,
    )
    try:
        row = linked.call_function(conn, _SQL, params)
    except (DatabaseError, psycopg.Error) as exc:
        pg.raise_refusal(exc, None, amount)
        raise
    if row is None or row[0] != "paid":
        return TOKEN_CHANGED if row is not None and row[0] == TOKEN_CHANGED else None
    _outcome, transfer_id, pk, balance_after, issuer_id = row
    notices.outboxed()
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
