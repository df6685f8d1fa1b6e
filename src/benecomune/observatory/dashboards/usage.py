"""Bookings and services used per category and target (docs/observatory.md, "Dashboards"):
read from the UsageCell rollup with one grouped query, never from the bookings."""

from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from benecomune.bookings.models import BookingStatus
from benecomune.marketplace.models import ServiceType, UserArea
from benecomune.observatory.dashboards.scope import Audience, Filters
from benecomune.observatory.dashboards.tables import Table
from benecomune.observatory.models import UsageKind

STATES = (
    BookingStatus.REQUESTED,
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.DECLINED,
    BookingStatus.CANCELLED,
)
DELIVERED = "delivered"


def _counts(cells) -> dict[tuple[str, str], dict[str, int]]:
    """(user area, service type) -> booking status (or "delivered" for orders) -> count."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = cells.values("user_area", "service_type", "kind", "status").annotate(n=Sum("count"))
    for row in rows.order_by():
        status = DELIVERED if row["kind"] == UsageKind.ORDER else row["status"]
        out[(row["user_area"], row["service_type"])][status] += row["n"] or 0
    return out


def table(audience: Audience, filters: Filters) -> Table:
    """Per target (ISTAT user area) and category (service type): bookings per status in the
    period (month of the appointment), orders delivered without a booking, and services used
    (bookings completed + orders delivered)."""
    areas, types = dict(UserArea.choices), dict(ServiceType.choices)
    counts = _counts(filters.apply_usage(audience.usage_cells()))
    rows = []
    for (area, kind), by_status in counts.items():
        label = f"{areas.get(area, area)} — {types.get(kind, kind)}"
        used = by_status[BookingStatus.COMPLETED] + by_status[DELIVERED]
        rows.append([label, *(by_status[s] for s in STATES), by_status[DELIVERED], used])
    rows.sort(key=lambda row: row[0])
    labels = dict(BookingStatus.choices)
    headers = [
        _("Destinatari — categoria"),
        *(str(labels[s]) for s in STATES),
        _("Ordini consegnati"),
        _("Servizi usati"),
    ]
    notes = [_("Prenotazioni nel mese dell'appuntamento, ordini nel mese della consegna.")]
    if filters.call_id or filters.category:
        notes.append(_("I filtri per bando e categoria dell'esercente non si applicano qui."))
    return Table(
        "prenotazioni",
        _("Prenotazioni e servizi usati per categoria e destinatari"),
        headers,
        rows,
        columns="2,3,4,6,8",
        note=" ".join(notes),
    )
