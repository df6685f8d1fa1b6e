"""Placing an order (the checkout) and the buyer's own cancellation.

One order, one payment intent (payments): its legs are the buyer's wallets with the amounts
they chose (or the proposal) and, for the rest, own money online through the payment
provider (a gateway leg) or at the provider on delivery (no leg: the order records the amount
due there). Every wallet leg is held at once, all together or none (payments.authorise);
an online leg waits for the provider's confirmation (services/order_payment.py) until
`payment_due_by`, after which the expiry releases the holds.

The order, its intent and the holds are written in one transaction: a refusal (a wallet that
may not pay this service, a split that does not add up, not enough money) leaves nothing.
The form's idempotency key makes a double submission one order.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.bookings.models import Order, OrderStatus, OwnMoney
from benecomune.bookings.order_lifecycle import ORDER
from benecomune.bookings.services import order_notices
from benecomune.bookings.services.order_options import offer_for
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.models import Person
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.ledger.money import format_euro
from benecomune.ledger.spending import memo_scope
from benecomune.marketplace.models import Service, ServiceVariant
from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE
from benecomune.payments import fake_hosted
from benecomune.payments.models import PaymentLeg
from benecomune.payments.services import checkout
from benecomune.payments.services.planning import gateway_leg, wallet_leg

# How long the buyer has to pay the online part before the holds are released.
PAYMENT_WINDOW = datetime.timedelta(minutes=30)
ONLINE_GATEWAY = fake_hosted.NAME


def payments_actor() -> Actor:
    """The platform acting on the intent for the order's services, once they have checked who
    acts (provider staff hold provider.manage, not the till's merchant.redeem)."""
    return Actor.system_actor("bookings.orders")


def require_buyer(actor: Actor, order: Order) -> None:
    if not (actor.system or (actor.user and actor.user.person_id == order.buyer_id)):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))


def _same(order: Order, buyer, service, variant, quantity, split, own_money) -> bool:
    return (
        order.buyer_id == buyer.pk
        and order.service_id == service.pk
        and order.variant_id == (variant.pk if variant else None)
        and order.quantity == quantity
        and order.own_money == own_money
        and _split_of(order) == {k: v for k, v in split.items() if v}
    )


def _split_of(order: Order) -> dict:
    if order.intent_id is None:
        return {}
    legs = PaymentLeg.objects_unscoped.filter(intent_id=order.intent_id, wallet__isnull=False)
    return dict(legs.values_list("wallet_id", "amount"))


def submitted(buyer: Person, idempotency_key: str) -> Order | None:
    """The order a form with this key already placed (a page submitted twice): the second
    submission sees the wallets already held, so it is answered with the first's order."""
    if not idempotency_key:
        return None
    return Order.objects_unscoped.filter(
        idempotency_key=f"order:{buyer.pk}:{idempotency_key}", buyer=buyer
    ).first()


def _order_by_key(key: str):
    return Order.objects_unscoped.filter(idempotency_key=key).order_by("pk")[:1]


ORDER_BY_KEY = CompiledQuery("order_by_key", _order_by_key, "\x00order-key")


def _replay(key, buyer, service, variant, quantity, split, own_money) -> Order | None:
    existing = first(ORDER_BY_KEY, key)
    if existing is None:
        return None
    if not _same(existing, buyer, service, variant, quantity, split, own_money):
        raise IdempotencyConflict(
            _("Questo ordine è già stato inviato con dati diversi: non è stato ripetuto.")
        )
    return existing


@memo_scope()
def place_order(
    actor: Actor,
    *,
    buyer: Person,
    service: Service,
    variant: ServiceVariant | None = None,
    quantity: int = 1,
    split: dict[int, int],
    own_amount: int = 0,
    own_money: str = OwnMoney.NONE,
    idempotency_key: str,
) -> Order:
    """Order `service` for `buyer`, paid by the wallets in `split` (wallet id -> cents) and
    `own_amount` of own money (`own_money`: online or at the provider). The parts must add up
    to the price. Replaying the key with the same data returns the order."""
    if not (actor.system or (actor.user and actor.user.person_id == buyer.pk)):
        raise PermissionDenied(_("Si possono fare ordini solo per sé."))
    if not idempotency_key or len(idempotency_key) > 80:
        raise ValidationError(_("Il modulo è scaduto: ricarichi la pagina e riprovi."))
    key = f"order:{buyer.pk}:{idempotency_key}"
    split = {int(k): int(v) for k, v in split.items() if v}
    if not own_amount:
        own_money = OwnMoney.NONE
    existing = _replay(key, buyer, service, variant, quantity, split, own_money)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return _place(
                actor, key, buyer, service, variant, quantity, split, own_amount, own_money
            )
    except IntegrityError:
        # A double submission racing this one created the order first.
        existing = _replay(key, buyer, service, variant, quantity, split, own_money)
        if existing is None:
            raise
        return existing


def _check_split(offer, split, own_amount, own_money, service) -> None:
    usable = {o.wallet.pk: o for o in offer.usable}
    refused = {o.wallet.pk: o for o in offer.refused}
    for wallet_id, cents in split.items():
        if cents < 0:
            raise ValidationError(_("Gli importi non possono essere negativi."))
        if wallet_id in refused:
            option = refused[wallet_id]
            raise ValidationError(
                _("«%(wallet)s» non può pagare questo ordine: %(reason)s")
                % {"wallet": option.wallet.title, "reason": option.refusal}
            )
        if wallet_id not in usable:
            raise ValidationError(_("Uno dei buoni indicati non è suo o non esiste."))
        if cents > usable[wallet_id].available:
            raise ValidationError(
                _("«%(wallet)s» ha disponibili %(available)s: non bastano per %(asked)s.")
                % {
                    "wallet": usable[wallet_id].wallet.title,
                    "available": format_euro(usable[wallet_id].available),
                    "asked": format_euro(cents),
                }
            )
    if own_amount < 0:
        raise ValidationError(_("Gli importi non possono essere negativi."))
    total = sum(split.values()) + own_amount
    if total != offer.amount:
        raise ValidationError(
            _("La ripartizione somma %(total)s invece di %(amount)s: corregga gli importi.")
            % {"total": format_euro(total), "amount": format_euro(offer.amount)}
        )
    if own_amount and own_money not in (OwnMoney.ONLINE, OwnMoney.AT_PROVIDER):
        raise ValidationError(
            _("Scelga come pagare i %(rest)s non coperti dai buoni.")
            % {"rest": format_euro(own_amount)}
        )
    if own_amount and not service.accepts_own:
        raise ValidationError(
            _("Questo servizio non si può pagare con denaro proprio: i buoni devono coprirlo.")
        )


def _place(actor, key, buyer, service, variant, quantity, split, own_amount, own_money) -> Order:
    offer = offer_for(buyer, service, variant, quantity)
    _check_split(offer, split, own_amount, own_money, service)
    online = own_amount if own_money == OwnMoney.ONLINE else 0
    at_provider = own_amount if own_money == OwnMoney.AT_PROVIDER else 0
    # In the order the wallets are drawn on (the proposal's), own money last; `_check_split`
    # made sure every wallet of the split is a usable one.
    legs = [wallet_leg(o.wallet, split[o.wallet.pk]) for o in offer.usable if o.wallet.pk in split]
    if online:
        legs.append(gateway_leg(ONLINE_GATEWAY, online))
    intent = None
    if legs:
        # Every wallet held, or the error rolls all back (the order is written after it).
        intent = checkout.create_and_authorise(
            actor,
            buyer=buyer,
            payee=service.provider,
            amount=offer.amount - at_provider,
            legs=legs,
            idempotency_key=key,
            object_type=SERVICE_OBJECT_TYPE,
            object_id=offer.object_id,
        )
    now = timezone.now()
    order = Order.objects_unscoped.create(
        organization_id=service.provider_id,
        provider=service.provider,
        buyer=buyer,
        service=service,
        variant=variant,
        title=offer.title[:250],
        unit_price=offer.unit_price,
        quantity=quantity,
        amount=offer.amount,
        own_money=own_money,
        due_at_provider=at_provider,
        intent=intent,
        status=OrderStatus.AWAITING_PAYMENT if online else OrderStatus.CONFIRMED,
        idempotency_key=key,
        payment_due_by=now + PAYMENT_WINDOW if online else None,
        created_by=actor.user,
    )
    if order.status == OrderStatus.CONFIRMED:
        order_notices.order_received(order)
    audit.record(
        actor,
        "bookings.order_placed",
        order,
        organization=order.organization_id,
        person=buyer.pk,
        after={
            "status": order.status,
            "amount": order.amount,
            "wallets": {str(k): v for k, v in split.items()},
            "online": online,
            "at_provider": at_provider,
        },
    )
    return order


def not_a_bookings_order(order: Order, booking_move: bool) -> None:
    """A booking's order moves with its booking (bookings/services/booking_moves.py): the
    order's own pages may not deliver or cancel it behind the booking's back."""
    if not booking_move and hasattr(order, "booking"):
        raise ValidationError(
            _("Questo ordine è di una prenotazione: lo gestisca dalla prenotazione.")
        )


@transaction.atomic
def cancel_by_buyer(
    actor: Actor, order: Order, *, reason: str = "", booking_move: bool = False
) -> Order:
    """The buyer gives up an order not delivered yet: every hold is released."""
    order = lock(order)
    require_buyer(actor, order)
    not_a_bookings_order(order, booking_move)
    if order.status == OrderStatus.CANCELLED:
        return order
    ORDER.check(actor, order, OrderStatus.CANCELLED, action="bookings.order_cancelled_by_buyer")
    release(order, reason=reason or _("Annullato da chi lo aveva ordinato."))
    order.cancel_reason = (reason or "")[:300]
    order.closed_at = timezone.now()
    ORDER.apply(
        actor,
        order,
        OrderStatus.CANCELLED,
        action="bookings.order_cancelled_by_buyer",
        reason=reason,
        extra_fields=["cancel_reason", "closed_at", "updated_at"],
        person=order.buyer_id,
    )
    return order


def lock(order: Order) -> Order:
    """The order re-read under its row lock: its moves are serialised."""
    return (
        Order.objects_unscoped.select_for_update(of=("self",))
        .select_related("intent")
        .get(pk=order.pk)
    )


def release(order: Order, *, reason: str) -> None:
    """Void the order's intent: every hold released, the online authorisation voided."""
    if order.intent_id is not None:
        order.intent = checkout.void(payments_actor(), order.intent, reason=reason[:200])
