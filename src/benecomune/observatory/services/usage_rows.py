"""Which usage cell a booking or an order counts in now: the one definition read by the upkeep
(services/usage.py) and by the check's recomputation (services/usage_check.py).

- A booking counts in every status, in the month (Europe/Rome) of its appointment.
- An order counts once delivered, in the month of its delivery, unless it belongs to a booking
  (the booking is the service used: completing it delivers its order).
- Comune: the residence of the person served (booking) or of the buyer (order). No service of
  the platform changes a person's residence (people.update_contacts changes contacts only).
- Company: the company whose plan wallet paid part of the order (the lowest id if several);
  0 for bookings without an order and orders paid by no company plan.
- User area and service type: the service's, as the catalogue reads now (a service edited since
  the watermark has its rows counted again).
"""

import datetime
from collections import defaultdict

from django.utils import timezone

from benecomune.bookings.models import Booking, Order, OrderStatus
from benecomune.ledger.models import WalletSource
from benecomune.observatory.models import UsageKind
from benecomune.payments.models import PaymentLeg

BOOKING_FIELDS = (
    "id",
    "status",
    "starts_at",
    "provider_id",
    "person__residence_id",
    "service__user_area",
    "service__service_type",
    "order__intent_id",
)
ORDER_FIELDS = (
    "id",
    "status",
    "delivered_at",
    "provider_id",
    "buyer__residence_id",
    "service__user_area",
    "service__service_type",
    "intent_id",
)


def month_of(moment) -> datetime.date:
    return timezone.localtime(moment).date().replace(day=1)


def _companies(intent_ids) -> dict[int, int]:
    """intent -> the company whose plan wallet paid part of it."""
    found: dict[int, int] = {}
    legs = PaymentLeg.objects_unscoped.filter(
        intent_id__in=[i for i in intent_ids if i], wallet__source_kind=WalletSource.COMPANY_PLAN
    ).values_list("intent_id", "wallet__organization_id")
    for intent_id, company_id in legs:
        found[intent_id] = min(company_id, found.get(intent_id, company_id))
    return found


def _key(row, person, intent, companies, moment, kind, status) -> tuple:
    return (
        row[person],
        companies.get(row[intent], 0),
        row["provider_id"],
        row["service__user_area"],
        row["service__service_type"],
        month_of(row[moment]),
        kind,
        status,
    )


def booking_keys(rows: list[dict]) -> dict[int, tuple]:
    """booking id -> its cell key (every booking counts)."""
    companies = _companies({r["order__intent_id"] for r in rows})
    return {
        r["id"]: _key(
            r,
            "person__residence_id",
            "order__intent_id",
            companies,
            "starts_at",
            UsageKind.BOOKING.value,
            r["status"],
        )
        for r in rows
    }


def order_keys(rows: list[dict]) -> dict[int, tuple | None]:
    """order id -> its cell key, None while it does not count (not delivered)."""
    companies = _companies({r["intent_id"] for r in rows})
    delivered = OrderStatus.DELIVERED.value
    return {
        r["id"]: (
            _key(
                r,
                "buyer__residence_id",
                "intent_id",
                companies,
                "delivered_at",
                UsageKind.ORDER.value,
                delivered,
            )
            if r["status"] == delivered and r["delivered_at"]
            else None
        )
        for r in rows
    }


def bookings():
    return Booking.objects_unscoped.values(*BOOKING_FIELDS)


def orders():
    """Orders that may count: those that belong to no booking."""
    return Order.objects_unscoped.filter(booking__isnull=True).values(*ORDER_FIELDS)


SOURCES = {UsageKind.BOOKING: (bookings, booking_keys), UsageKind.ORDER: (orders, order_keys)}


def keys_of(kind: str, ids: list[int]) -> dict[int, tuple | None]:
    """id -> cell key now (None: counts nowhere), for the given ids of one kind. An order
    that belongs to a booking is absent from the result: it counts nowhere."""
    read, keys = SOURCES[kind]
    found = keys(list(read().filter(pk__in=ids)))
    return {pk: found.get(pk) for pk in ids}


def changed_since(kind: str, since) -> list[int]:
    """Ids of the rows of `kind` that may count differently since `since` (None: all): the rows
    updated since (an index on `updated_at`) and those of services edited since."""
    from benecomune.marketplace.models import Service

    model = Booking if kind == UsageKind.BOOKING else Order
    rows = model.objects_unscoped.all()
    if since is None:
        return list(rows.order_by("pk").values_list("pk", flat=True))
    ids = set(rows.filter(updated_at__gte=since).values_list("pk", flat=True))
    edited = list(
        Service.objects_unscoped.filter(updated_at__gte=since).values_list("pk", flat=True)
    )
    if edited:
        ids.update(rows.filter(service_id__in=edited).values_list("pk", flat=True))
    return sorted(ids)


def recompute() -> dict[tuple, int]:
    """Every cell's count from the bookings and orders alone (the check)."""
    counts: dict[tuple, int] = defaultdict(int)
    for read, keys in SOURCES.values():
        last = 0
        while True:
            rows = list(read().filter(pk__gt=last).order_by("pk")[:CHUNK])
            if not rows:
                break
            last = rows[-1]["id"]
            for key in keys(rows).values():
                if key is not None:
                    counts[key] += 1
    return dict(counts)


CHUNK = 5_000
