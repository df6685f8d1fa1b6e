"""Two-phase payments (authorise → capture or void) and voiding a redemption within 15 minutes.

Every call carries the till's idempotency key: replaying it returns the first result; the same
key used for another operation or other data is refused (`idempotency_key_reused`). A typed
code is consumed by the authorisation (good for one). A sale already in an issued debit note
is not voided (`sale_in_debit_note`: payouts/services/sale_voids.py). The citizen is told of
each hold, release, capture and void (services/notices.py).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization, Person, Provider
from benecomune.ledger.exceptions import AlreadyReversed, InsufficientFunds, LedgerError
from benecomune.ledger.models import Transfer
from benecomune.ledger.services import transfers
from benecomune.payments.services import single_wallet
from benecomune.payouts.services.sale_voids import SaleInIssuedNote, before_void
from benecomune.vouchers.models import Authorisation, AuthorisationStatus, Redemption
from benecomune.vouchers.services import codes, notices
from benecomune.vouchers.services.errors import VoucherError, from_ledger
from benecomune.vouchers.services.lookup import MerchantContext, load_wallet
from benecomune.vouchers.services.redeem import (
    check_amount,
    dates_refuse,
    identify,
    record_redemption,
    transfer_key,
)

VOID_MINUTES = 15


def hold_minutes() -> int:
    return getattr(settings, "VOUCHERS_HOLD_MINUTES", 60)


def _reused() -> VoucherError:
    return VoucherError("idempotency_key_reused")


def _require_till(actor: Actor, ctx: MerchantContext) -> None:
    # System actors (commands) pass; devices and staff need merchant.redeem on this shop.
    if not actor.system:
        actor.require("merchant.redeem", ctx.merchant_id)


def authorise(
    actor: Actor,
    ctx: MerchantContext,
    *,
    code: str,
    amount: int,
    idempotency_key: str,
    pin: str | None = None,
    device_id: int | None = None,
) -> Authorisation:
    """Hold `amount` on the voucher for this shop, for `hold_minutes()`."""
    _require_till(actor, ctx)
    key = transfer_key(ctx, idempotency_key)
    check_amount(amount)
    existing = Authorisation.objects_unscoped.filter(
        merchant_id=ctx.merchant_id, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        if existing.amount != amount:
            raise _reused()
        existing.replayed = True
        return existing
    if Transfer.objects_unscoped.filter(idempotency_key=key).exists():
        raise _reused()
    voucher = identify(actor, ctx, code, pin)
    wallet = voucher.wallet
    if not ctx.may_redeem(wallet):
        raise VoucherError(
            "not_valid_here",
            _("%(merchant)s non fa parte del circuito in cui vale questo buono.")
            % {"merchant": ctx.merchant.name},
        )
    try:
        with transaction.atomic():
            if voucher.typed_code:  # good for one authorisation; given back if refused
                codes.consume_typed_code(voucher.typed_code, wallet.pk)
            # One payment intent with one wallet leg; with the shop (the payee), the till's
            # key names the authorisation.
            hold = single_wallet.authorise_wallet(
                actor,
                wallet=wallet,
                payee=ctx.merchant,
                amount=amount,
                idempotency_key=f"till:{key}",
                object_type="vouchers.authorisation",
                object_id=idempotency_key,
            )
            with transaction.atomic():
                authorisation = Authorisation.objects_unscoped.create(
                    merchant_id=ctx.merchant_id,
                    issuer_id=wallet.organization_id,
                    wallet_id=wallet.pk,
                    hold=hold,
                    idempotency_key=idempotency_key,
                    amount=amount,
                    channel=voucher.channel,
                    card_id=voucher.card.pk if voucher.card else None,
                    device_id=device_id,
                    staff_id=None if actor.system or actor.user is None else actor.user.pk,
                    expires_at=timezone.now() + timedelta(minutes=hold_minutes()),
                )
    except IntegrityError:
        # A concurrent retry of this call wrote it first (the ledger returned its hold).
        authorisation = Authorisation.objects_unscoped.get(
            merchant_id=ctx.merchant_id, idempotency_key=idempotency_key
        )
        authorisation.replayed = True
        return authorisation
    except LedgerError as exc:
        raise from_ledger(exc, expired=dates_refuse(wallet)) from exc
    except VoucherError:
        # The typed code was used meanwhile: by a concurrent retry of this call, or not.
        existing = Authorisation.objects_unscoped.filter(
            merchant_id=ctx.merchant_id, idempotency_key=idempotency_key, amount=amount
        ).first()
        if existing is None:
            raise
        existing.replayed = True
        return existing
    authorisation.replayed = False
    authorisation.available_after = wallet.available - amount
    notices.queue(notices.HOLD, authorisation.pk)
    return authorisation


def _own_authorisation(ctx: MerchantContext, pk: int, *, lock=False) -> Authorisation:
    qs = Authorisation.objects_unscoped.filter(pk=pk, merchant_id=ctx.merchant_id)
    found = (qs.select_for_update() if lock else qs).first()
    if found is None:
        raise VoucherError("not_found", _("Autorizzazione inesistente per questo negozio."))
    return found


def capture(
    actor: Actor,
    ctx: MerchantContext,
    authorisation_id: int,
    *,
    idempotency_key: str,
    amount: int | None = None,
    device_id: int | None = None,
) -> Redemption:
    """Take `amount` (default: all) of an authorisation; the rest goes back to the voucher."""
    _require_till(actor, ctx)
    key = transfer_key(ctx, idempotency_key)
    if amount is not None:
        check_amount(amount)
    authorisation = _own_authorisation(ctx, authorisation_id)
    with transaction.atomic():
        authorisation = _own_authorisation(ctx, authorisation_id, lock=True)
        if authorisation.status == AuthorisationStatus.CAPTURED:
            done = Redemption.objects_unscoped.select_related("transfer").get(
                authorisation=authorisation
            )
            if done.transfer.idempotency_key != key or (
                amount is not None and done.amount != amount
            ):
                raise VoucherError(
                    "authorisation_closed", _("L'autorizzazione è già stata incassata.")
                )
            done.replayed = True
            return done
        if authorisation.status == AuthorisationStatus.VOIDED:
            raise VoucherError("authorisation_closed", _("L'autorizzazione è stata annullata."))
        if authorisation.expires_at <= timezone.now():
            raise VoucherError(
                "expired", _("L'autorizzazione è scaduta: il denaro è tornato disponibile.")
            )
        if Transfer.objects_unscoped.filter(idempotency_key=key).exists():
            raise _reused()
        wallet = load_wallet(authorisation.wallet_id, merchant_id=ctx.merchant_id)
        ctx.adopt(wallet)
        try:
            payment = single_wallet.capture_hold(
                actor,
                authorisation.hold_id,
                wallet=wallet,
                payee=ctx.merchant,
                amount=amount,
                ledger_key=key,
                merchant_account_=ctx.account,
            )
        except LedgerError as exc:
            raise from_ledger(exc, expired=dates_refuse(wallet)) from exc
        authorisation.status = AuthorisationStatus.CAPTURED
        authorisation.closed_at = timezone.now()
        authorisation.save(update_fields=["status", "closed_at"])
        redemption = record_redemption(
            payment,
            ctx=ctx,
            wallet=wallet,
            channel=authorisation.channel,
            card_id=authorisation.card_id,
            device_id=device_id,
            staff_id=None if actor.system or actor.user is None else actor.user.pk,
            authorisation=authorisation,
        )
        if not redemption.replayed:
            notices.queue(notices.PAYMENT, redemption.pk)
        return redemption


def void_authorisation(
    actor: Actor, ctx: MerchantContext, authorisation_id: int, *, idempotency_key: str
) -> Authorisation:
    """Give the held money back to the voucher. Replaying the void returns the same result."""
    _require_till(actor, ctx)
    transfer_key(ctx, idempotency_key)  # validates the key
    with transaction.atomic():
        authorisation = _own_authorisation(ctx, authorisation_id, lock=True)
        if authorisation.status == AuthorisationStatus.VOIDED:
            if authorisation.void_key != idempotency_key:
                raise VoucherError("authorisation_closed", _("L'autorizzazione è già annullata."))
            authorisation.replayed = True
            return authorisation
        if authorisation.status == AuthorisationStatus.CAPTURED:
            raise VoucherError(
                "authorisation_closed",
                _("L'autorizzazione è già stata incassata: annulli l'incasso, se entro 15 minuti."),
            )
        wallet = load_wallet(authorisation.wallet_id, merchant_id=ctx.merchant_id)
        ctx.adopt(wallet)
        single_wallet.void_hold(actor, authorisation.hold_id, wallet=wallet, payee=ctx.merchant)
        authorisation.status = AuthorisationStatus.VOIDED
        authorisation.closed_at = timezone.now()
        authorisation.void_key = idempotency_key
        authorisation.save(update_fields=["status", "closed_at", "void_key"])
        notices.queue(notices.RELEASE, authorisation.pk)
    authorisation.replayed = False
    return authorisation


def release_expired(actor: Actor, now=None, issuer_ids=None) -> int:
    """Void every authorisation past its time (maintenance; idempotent)."""
    now = now or timezone.now()
    count = 0
    expired = Authorisation.objects_unscoped.filter(
        status=AuthorisationStatus.AUTHORISED, expires_at__lte=now
    )
    if issuer_ids is not None:
        expired = expired.filter(issuer_id__in=list(issuer_ids))
    expired = expired.values_list("pk", "merchant_id")
    for pk, merchant_id in list(expired):
        with transaction.atomic():
            authorisation = Authorisation.objects_unscoped.select_for_update().get(pk=pk)
            if authorisation.status != AuthorisationStatus.AUTHORISED:
                continue
            single_wallet.void_hold(
                actor,
                authorisation.hold_id,
                wallet=load_wallet(authorisation.wallet_id),
                payee=Provider.objects.get(pk=merchant_id),
                reason=_("Autorizzazione scaduta"),
            )
            authorisation.status = AuthorisationStatus.VOIDED
            authorisation.closed_at = now
            authorisation.save(update_fields=["status", "closed_at"])
            count += 1
    return count


def void_redemption(
    actor: Actor,
    ctx: MerchantContext,
    redemption_id: int,
    *,
    idempotency_key: str,
    reason: str = "",
) -> Redemption:
    """Cancel a redemption of this shop within 15 minutes: a reversal gives the money back to
    the voucher. Another shop's redemption is not found; later, the shop and the citizen settle
    it between them (a voucher never turns into cash)."""
    _require_till(actor, ctx)
    key = transfer_key(ctx, idempotency_key)
    with transaction.atomic():
        redemption = (
            Redemption.objects_unscoped.select_for_update()
            .filter(pk=redemption_id, merchant_id=ctx.merchant_id)
            .first()
        )
        if redemption is None:
            raise VoucherError("not_found", _("Incasso inesistente per questo negozio."))
        if redemption.voided_at is not None:
            reversal = Transfer.objects_unscoped.get(pk=redemption.void_transfer_id)
            if reversal.idempotency_key != key:
                raise VoucherError("void_not_allowed", _("L'incasso è già stato annullato."))
            redemption.replayed = True
            return redemption
        if timezone.now() - redemption.created_at > timedelta(minutes=VOID_MINUTES):
            raise VoucherError(
                "void_not_allowed",
                _("Sono passati più di %(n)s minuti: l'incasso non si può più annullare.")
                % {"n": VOID_MINUTES},
            )
        if Transfer.objects_unscoped.filter(idempotency_key=key).exists():
            raise _reused()
        try:
            # Before the reversal: locks the note that has the sale, if any.
            before_void(redemption.transfer_id)
        except SaleInIssuedNote as exc:
            raise VoucherError("sale_in_debit_note", exc.messages[0]) from exc
        payment = Transfer.objects_unscoped.get(pk=redemption.transfer_id)
        try:
            reversal = transfers.reverse(
                actor,
                payment,
                idempotency_key=key,
                reason=reason or _("Annullamento alla cassa"),
            )
        except (AlreadyReversed, InsufficientFunds) as exc:
            raise VoucherError("void_not_allowed", exc.messages[0]) from exc
        except LedgerError as exc:
            raise from_ledger(exc) from exc
        redemption.voided_at = timezone.now()
        redemption.void_transfer = reversal
        redemption.voided_by = None if actor.system else actor.user
        redemption.void_reason = (reason or "")[:200]
        redemption.save(update_fields=["voided_at", "void_transfer", "voided_by", "void_reason"])
        audit.record(
            actor,
            "vouchers.redemption_voided",
            redemption,
            organization=Organization(pk=ctx.merchant_id),
            person=Person(pk=payment.debit_account.person_id),
            after={"amount": redemption.amount, "reversal": reversal.pk},
            reason=reason,
        )
        notices.queue(notices.VOID, redemption.pk)
    redemption.replayed = False
    return redemption


__all__ = [
    "VOID_MINUTES",
    "authorise",
    "capture",
    "release_expired",
    "void_authorisation",
    "void_redemption",
]
