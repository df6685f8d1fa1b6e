"""Redeeming a voucher at a till (the page or the POS API): identify it, check the circuit, pay.

A device's QR code on PostgreSQL takes one round trip in the common case
(services/one_statement.py). Otherwise the path is two round trips: the wallet, the shop and
its circuit (one query, services/lookup.py), then the payment and its redemption row together
(one statement: `vouchers_redeem()` calls the ledger's `ledger_transfer()` (key claimed, rules
verdict, payer debited, entries, audit) and writes the row with the balance left; one commit).
The device token comes from an in-process cache, and a QR token is checked by its HMAC,
without a query.

Idempotency: the till's `Idempotency-Key` becomes the ledger key `pos:<shop>:<key>`. A replay
with the same data returns the first redemption and moves nothing; the ledger refuses the same
key for another wallet or amount (`idempotency_key_reused`). Checks made before the transfer
(code, PIN, circuit) may fail on a retry that the first attempt passed (a QR token expired
since): before answering such an error the shop's earlier redemption with that key, if any, is
returned instead, so a retry never turns a done payment into an error.
"""

import re
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.models import Transfer, Wallet
from benecomune.ledger.money import MAX_CENTS
from benecomune.ledger.services import wallets as wallet_services
from benecomune.payments.services import immediate
from benecomune.vouchers.models import Channel, Redemption, VoucherCard
from benecomune.vouchers.services import cards, codes, notices, one_statement
from benecomune.vouchers.services.errors import VoucherError, from_ledger
from benecomune.vouchers.services.lookup import MerchantContext, fetch_one, load_wallet

_KEY_RE = re.compile(r"[A-Za-z0-9._:\-]{1,64}")


@dataclass
class Voucher:
    """A wallet as identified at the till, and how. `typed_code`: the 8 digits it was read
    with, consumed by the payment or authorisation (good for one)."""

    wallet: Wallet
    channel: str
    card: VoucherCard | None = None
    typed_code: str = ""


def key_error() -> VoucherError:
    return VoucherError(
        "validation_error",
        _(
            "Manca l'intestazione Idempotency-Key, o non è valida: da 1 a 64 caratteri tra "
            "lettere, cifre e . _ : -"
        ),
    )


def transfer_key(ctx: MerchantContext, idempotency_key: str | None) -> str:
    """The ledger key of a till call: the client's key, namespaced by the shop."""
    if not idempotency_key or not _KEY_RE.fullmatch(idempotency_key):
        raise key_error()
    return f"pos:{ctx.merchant_id}:{idempotency_key}"


def check_amount(amount) -> int:
    if type(amount) is not int or amount <= 0 or amount >= MAX_CENTS:
        raise VoucherError(
            "validation_error",
            _("L'importo deve essere un numero intero positivo di centesimi (es. 1250 = € 12,50)."),
        )
    return amount


def identify(
    actor: Actor,
    ctx: MerchantContext,
    code: str,
    pin: str | None = None,
    *,
    key: str = "",
) -> Voucher:
    """The wallet behind a QR token, a typed code or a card number (checking the card's PIN).
    Wrong typed codes and card numbers count towards the shop's limit (brute force)."""
    read = codes.classify(code)
    card = None
    if read.kind == "qr":
        wallet_id = codes.read_qr_token(read.value)
    else:
        codes.check_attempts(ctx.merchant_id)
        try:
            if read.kind == "code":
                wallet_id = codes.lookup_typed_code(read.value)
            else:
                card = cards.find_card(read.value)
                wallet_id = card.wallet_id
        except VoucherError as exc:
            if exc.error_code != "code_used":  # a real code, already spent: not a guess
                codes.count_wrong_code(ctx.merchant_id)
            raise
        if card is not None:
            cards.verify_pin(actor, card, pin)
    wallet = load_wallet(wallet_id, merchant_id=ctx.merchant_id, key=key)
    ctx.adopt(wallet)
    return Voucher(
        wallet=wallet,
        channel=read.kind,
        card=card,
        typed_code=read.value if read.kind == "code" else "",
    )


def refusal(ctx: MerchantContext, wallet: Wallet) -> VoucherError | None:
    """Why this shop cannot take this wallet now (circuit, dates, category, territory)."""
    if not ctx.may_redeem(wallet):
        return VoucherError(
            "not_valid_here",
            _("%(merchant)s non fa parte del circuito in cui vale questo buono.")
            % {"merchant": ctx.merchant.name},
        )
    reason = wallet_services.check_spendable(wallet, ctx.merchant)
    if reason:
        return VoucherError("expired" if dates_refuse(wallet) else "not_valid_here", reason)
    return None


def dates_refuse(wallet: Wallet) -> bool:
    today = timezone.localdate()
    return bool(
        wallet.expired_at
        or (wallet.valid_until and today > wallet.valid_until)
        or (wallet.valid_from and today < wallet.valid_from)
    )


def redeem(
    actor: Actor,
    ctx: MerchantContext,
    *,
    amount: int,
    idempotency_key: str,
    code: str = "",
    pin: str | None = None,
    voucher: Voucher | None = None,
    device_id: int | None = None,
) -> Redemption:
    """One-step payment of `amount` cents at the shop of `ctx`. No change is ever given: the
    amount cannot exceed the balance (`insufficient_balance`)."""
    key = transfer_key(ctx, idempotency_key)
    check_amount(amount)
    try:
        if voucher is None:
            if not code:
                raise VoucherError("validation_error", _("Manca il codice del buono."))
            read = codes.classify(code)
            if read.kind == "card":
                # A retry must not count as a wrong PIN nor need the card again.
                previous = replayed(ctx, key, amount)
                if previous is not None:
                    return previous
            elif read.kind == "qr" and one_statement.applies(actor):
                # A device's QR: the common case in one statement; None: go the usual way.
                try:
                    done = one_statement.pay_at_till(
                        actor,
                        ctx,
                        wallet_id=codes.read_qr_token(read.value),
                        amount=amount,
                        key=key,
                        client_key=idempotency_key,
                        device_id=device_id,
                    )
                except LedgerError as exc:
                    raise from_ledger(exc, expired=False) from exc
                if done is not None:
                    return done.as_redemption()
            voucher = identify(actor, ctx, code, pin, key=idempotency_key)
        wallet = voucher.wallet
        if getattr(wallet, "key_taken_by_authorisation", False):
            raise VoucherError(
                "idempotency_key_reused",
                _(
                    "Questa richiesta della cassa è già stata usata per un'autorizzazione: non "
                    "è stato addebitato nulla. Per un nuovo incasso ne avvii uno nuovo."
                ),
            )
        if not ctx.may_redeem(wallet):
            raise refusal(ctx, wallet)
    except VoucherError:
        previous = replayed(ctx, key, amount)
        if previous is not None:
            return previous
        raise
    fields = {
        "ctx": ctx,
        "wallet": wallet,
        "channel": voucher.channel,
        "card_id": voucher.card.pk if voucher.card else None,
        "device_id": device_id,
        "staff_id": None if actor.system else (actor.user.pk if actor.user else None),
    }
    typed_code = voucher.typed_code
    try:
        # A typed code is consumed in the payment's transaction: a refused payment leaves it
        # usable, and of concurrent uses only one gets past its row lock.
        with transaction.atomic() if typed_code else nullcontext():
            if typed_code:
                codes.consume_typed_code(typed_code, wallet.pk)
            # The payment and its redemption row together: one statement on PostgreSQL.
            payment, row = immediate.pay_now(
                actor,
                wallet=wallet,
                payee=ctx.merchant,
                payee_account=ctx.account,
                amount=amount,
                idempotency_key=key,
                record=immediate.Record(
                    pg_function="vouchers_redeem",
                    pg_params=(
                        ctx.merchant_id,
                        wallet.organization_id,
                        wallet.pk,
                        voucher.channel,
                        fields["card_id"],
                        device_id,
                        fields["staff_id"],
                    ),
                    python=lambda payment: _insert(payment, **fields),
                ),
            )
            if typed_code and row is None:
                transaction.set_rollback(True)  # a replay: the code stays as it was
    except LedgerError as exc:
        raise from_ledger(exc, expired=dates_refuse(wallet)) from exc
    except VoucherError:
        # The code was used meanwhile: by a concurrent retry of this very call, or not.
        previous = replayed(ctx, key, amount)
        if previous is not None:
            return previous
        raise
    if payment.reservation_id is not None:  # the key of a capture
        raise VoucherError(
            "idempotency_key_reused",
            _(
                "Questa richiesta della cassa è già stata usata per un altro incasso: non è "
                "stato addebitato nulla. Per un nuovo incasso ne avvii uno nuovo."
            ),
        )
    if row is None:  # a replay: the first redemption (written now if it went missing)
        return record_redemption(payment, **fields)
    redemption = _redemption(payment, row, **fields)
    notices.queue(notices.PAYMENT, redemption.pk)
    return redemption


def replayed(ctx: MerchantContext, key: str, amount: int | None) -> Redemption | None:
    """The shop's redemption made with this ledger key, if any (a retry)."""
    previous = (
        Redemption.objects_unscoped.filter(
            merchant_id=ctx.merchant_id, transfer__idempotency_key=key
        )
        .select_related("transfer")
        .first()
    )
    if previous is None:
        return None
    if amount is not None and previous.amount != amount:
        raise VoucherError(
            "idempotency_key_reused",
            _(
                "Questo incasso è già stato registrato con un importo diverso: non è stato "
                "addebitato nulla di nuovo. Per un nuovo incasso ne avvii uno nuovo."
            ),
        )
    previous.replayed = True
    return previous


_RECORD_SQL = (
    "INSERT INTO vouchers_redemption (merchant_id, issuer_id, wallet_id, transfer_id, amount,"
    " balance_after, channel, card_id, device_id, staff_id, authorisation_id, created_at,"
    " voided_at, void_transfer_id, voided_by_id, void_reason)"
    " VALUES (%s, %s, %s, %s, %s, (SELECT a.balance - a.held + COALESCE((SELECT SUM(d.amount)"
    " FROM ledger_balancedelta d WHERE d.account_id = a.id), 0) FROM ledger_account a"
    " WHERE a.id = %s), %s, %s, %s, %s, %s, %s, NULL, NULL, NULL, '')"
    " ON CONFLICT (transfer_id) DO NOTHING RETURNING id, balance_after"
)


# PostgreSQL: the same INSERT inside `vouchers_record_redemption()` (vouchers/sql/).
_PG_RECORD_CALL = (
    "SELECT * FROM vouchers_record_redemption(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _insert(
    payment: Transfer,
    *,
    ctx: MerchantContext,
    wallet: Wallet,
    channel: str,
    card_id=None,
    device_id=None,
    staff_id=None,
    authorisation=None,
):
    """Write the redemption row of a payment unless it exists: (id, balance_after) or None."""
    return fetch_one(
        _PG_RECORD_CALL if connection.vendor == "postgresql" else _RECORD_SQL,
        [
            ctx.merchant_id,
            wallet.organization_id,
            wallet.pk,
            payment.pk,
            payment.amount,
            wallet.account_id,
            channel,
            card_id,
            device_id,
            staff_id,
            authorisation.pk if authorisation is not None else None,
            connection.ops.adapt_datetimefield_value(payment.created_at),
        ],
    )


def record_redemption(payment: Transfer, **fields) -> Redemption:
    """The redemption row of a payment, with the balance left, in one statement. A replayed
    payment finds its row already there (or writes it, if the first attempt died before)."""
    row = _insert(payment, **fields)
    if row is None:
        existing = Redemption.objects_unscoped.select_related("transfer").get(transfer=payment)
        existing.replayed = True
        return existing
    return _redemption(payment, row, **fields)


def _redemption(
    payment: Transfer,
    row,
    *,
    ctx: MerchantContext,
    wallet: Wallet,
    channel: str,
    card_id=None,
    device_id=None,
    staff_id=None,
    authorisation=None,
) -> Redemption:
    """The Redemption just written, built without a query."""
    redemption = Redemption(
        pk=row[0],
        merchant_id=ctx.merchant_id,
        issuer_id=wallet.organization_id,
        wallet_id=wallet.pk,
        transfer_id=payment.pk,
        amount=payment.amount,
        balance_after=row[1],
        channel=channel,
        card_id=card_id,
        device_id=device_id,
        staff_id=staff_id,
        authorisation_id=authorisation.pk if authorisation is not None else None,
        created_at=payment.created_at,
    )
    redemption._state.adding = False
    redemption._state.db = "default"
    redemption._state.fields_cache["transfer"] = payment
    redemption._state.fields_cache["wallet"] = wallet
    redemption.replayed = False
    return redemption


CHANNEL_LABELS = dict(Channel.choices)
