"""The payment intents of catalogue services as reviewable purchases ("payments.intent").

An intent paying a service (`object_type` "marketplace.service", `object_id` "<service>" or
"<service>:<variant>") is a completed purchase once money reached the provider: captured in
full or in part, or refunded in part. A fully refunded, voided, failed or still pending intent
is not. The orders being built pay through such intents too, so they are covered here.
"""

from benecomune.marketplace.models import Service, ServiceVariant
from benecomune.marketplace.purchases import Purchase
from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE, service_of_object
from benecomune.payments.models import IntentStatus, PaymentIntent

INTENT_SOURCE = "payments.intent"
COMPLETED_STATUSES = (
    IntentStatus.CAPTURED,
    IntentStatus.PARTIALLY_CAPTURED,
    IntentStatus.PARTIALLY_REFUNDED,
)


def _ids(object_id: str) -> tuple[int | None, int | None]:
    head, _sep, tail = str(object_id).partition(":")
    return (
        int(head) if head.isdigit() else None,
        int(tail) if tail.isdigit() else None,
    )


def _purchase(intent: PaymentIntent, service: Service, variant_label: str = "") -> Purchase:
    return Purchase(
        kind=INTENT_SOURCE,
        source_id=str(intent.pk),
        service=service,
        buyer_id=intent.buyer_id,
        completed=intent.status in COMPLETED_STATUSES,
        when=intent.created_at,
        label=variant_label,
    )


def resolve_intent(source_id: str) -> Purchase | None:
    if not source_id.isdigit():
        return None
    intent = PaymentIntent.objects_unscoped.filter(
        pk=int(source_id), object_type=SERVICE_OBJECT_TYPE
    ).first()
    if intent is None:
        return None
    service = service_of_object(intent.object_id)
    # The service must be the payee's: an intent naming another provider's service is no
    # purchase of it.
    if service is None or service.provider_id != intent.payee_id:
        return None
    _service_id, variant_id = _ids(intent.object_id)
    variant = (
        ServiceVariant.objects_unscoped.filter(pk=variant_id, service_id=service.pk).first()
        if variant_id
        else None
    )
    return _purchase(intent, service, variant.label if variant else "")


def intents_of_person(person_id: int) -> list[Purchase]:
    """The person's completed purchases of services (two queries)."""
    intents = list(
        PaymentIntent.objects_unscoped.filter(
            buyer_id=person_id,
            object_type=SERVICE_OBJECT_TYPE,
            status__in=COMPLETED_STATUSES,
        ).order_by("-created_at", "-pk")
    )
    ids = {intent.pk: _ids(intent.object_id) for intent in intents}
    services = Service.objects_unscoped.select_related("provider").in_bulk(
        {service_id for service_id, _v in ids.values() if service_id}
    )
    variants = ServiceVariant.objects_unscoped.in_bulk(
        {variant_id for _s, variant_id in ids.values() if variant_id}
    )
    rows = []
    for intent in intents:
        service_id, variant_id = ids[intent.pk]
        service = services.get(service_id)
        if service is None or service.provider_id != intent.payee_id:
            continue
        variant = variants.get(variant_id)
        label = variant.label if variant and variant.service_id == service.pk else ""
        rows.append(_purchase(intent, service, label))
    return rows
