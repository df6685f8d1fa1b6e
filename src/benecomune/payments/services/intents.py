"""Creating a payment intent: its legs given or planned, checked, under one idempotency key."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.models import Person, Provider
from benecomune.ledger.exceptions import NotSpendable
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.transfers import _check_amount
from benecomune.ledger.spending import purchase_refusal
from benecomune.payments.exceptions import PaymentError
from benecomune.payments.gateways import get_gateway
from benecomune.payments.models import PaymentIntent, PaymentLeg
from benecomune.payments.services.common import audit_intent, conflict, legs_of
from benecomune.payments.services.planning import LegSpec, plan_legs


def _intent_by_key(key: str):
    return PaymentIntent.objects_unscoped.filter(idempotency_key=key).order_by("pk")[:1]


# Looked up by every purchase (core.compiled_queries: compiled once per connection).
INTENT_BY_KEY = CompiledQuery("intent_by_key", _intent_by_key, "\x00intent-key")


def require_purchase_allowed(wallet, payee: Provider, object_type: str, object_id: str) -> None:
    """The purchase rule of the object bought (ledger.spending.purchase_refusal) for one wallet
    leg: NotSpendable, as the wallet's own spending rules, when it may not pay."""
    reason = purchase_refusal(wallet, payee, object_type, object_id)
    if reason:
        raise NotSpendable(reason)


def _check_legs(
    buyer: Person,
    amount: int,
    legs: list[LegSpec],
    *,
    payee: Provider,
    object_type: str = "",
    object_id: str = "",
) -> None:
    if not legs:
        raise PaymentError(_("Indichi almeno una fonte di pagamento."))
    for leg in legs:
        _check_amount(leg.amount)
        if leg.wallet is not None and leg.wallet.person_id != buyer.pk:
            raise PaymentError(_("Si possono usare solo i buoni di chi acquista."))
        if leg.wallet is None:
            get_gateway(leg.gateway)  # an unknown provider is refused now, not at authorisation
    for leg in legs:
        if leg.wallet is not None:
            require_purchase_allowed(leg.wallet, payee, object_type, object_id)
    wallet_ids = [leg.wallet.pk for leg in legs if leg.wallet is not None]
    if len(wallet_ids) != len(set(wallet_ids)):
        raise PaymentError(_("Lo stesso buono compare due volte nel pagamento."))
    if sum(leg.amount for leg in legs) != amount:
        raise PaymentError(
            _("Le fonti di pagamento sommano %(legs)s invece di %(amount)s.")
            % {"legs": format_euro(sum(leg.amount for leg in legs)), "amount": format_euro(amount)}
        )


def _same(intent: PaymentIntent, buyer, payee, amount, legs, object_type, object_id) -> bool:
    same = (
        intent.buyer_id == buyer.pk
        and intent.payee_id == payee.pk
        and intent.amount == amount
        and (intent.object_type, intent.object_id) == (object_type, str(object_id))
    )
    if same and legs is not None:
        stored = [
            (leg.source, leg.wallet_id, leg.gateway, leg.amount) for leg in legs_of(intent).all()
        ]
        same = stored == [leg.signature() for leg in legs]
    return same


def create_intent(
    actor: Actor,
    *,
    buyer: Person,
    payee: Provider,
    amount: int,
    idempotency_key: str,
    legs: list[LegSpec] | None = None,
    gateway: str = "",
    object_type: str = "",
    object_id: str = "",
    created_legs: list | None = None,
) -> PaymentIntent:
    """A new intent to pay `payee` for a purchase of `buyer`. Without `legs`, `plan_legs`
    chooses them (own money through `gateway` for what the wallets do not cover).
    `created_legs`: a list that receives the legs' rows when the intent is created now (left
    empty on a replay)."""
    created_legs = [] if created_legs is None else created_legs
    if not (actor.system or (actor.user and actor.user.person_id == buyer.pk)):
        actor.require("merchant.redeem", payee)
    _check_amount(amount)
    if not idempotency_key or len(idempotency_key) > 100:
        raise PaymentError(_("Chiave di idempotenza mancante o troppo lunga."))
    existing = first(INTENT_BY_KEY, idempotency_key)
    if existing is not None:
        if not _same(existing, buyer, payee, amount, legs, object_type, object_id):
            raise conflict()
        return existing
    if legs is None:
        legs = plan_legs(
            buyer,
            payee,
            amount,
            gateway=gateway,
            object_type=object_type,
            object_id=str(object_id),
        )
    _check_legs(buyer, amount, legs, payee=payee, object_type=object_type, object_id=str(object_id))
    try:
        with transaction.atomic():
            intent = PaymentIntent.objects_unscoped.create(
                organization_id=payee.pk,
                payee=payee,
                buyer=buyer,
                amount=amount,
                idempotency_key=idempotency_key,
                object_type=object_type,
                object_id=str(object_id),
                created_by=actor.user,
                created_by_role=actor.label if actor.system else actor.role,
            )
            rows = PaymentLeg.objects_unscoped.bulk_create(
                PaymentLeg(
                    organization_id=payee.pk,
                    intent=intent,
                    position=n,
                    source=leg.source,
                    wallet=leg.wallet,
                    gateway=leg.gateway,
                    amount=leg.amount,
                )
                for n, leg in enumerate(legs)
            )
            audit_intent(actor, "intent_created", intent, legs=[list(s.signature()) for s in legs])
            created_legs.extend(rows)
    except IntegrityError:
        # A concurrent retry with this key created it first.
        existing = PaymentIntent.objects_unscoped.get(idempotency_key=idempotency_key)
        if not _same(existing, buyer, payee, amount, legs, object_type, object_id):
            raise conflict() from None
        return existing
    return intent
