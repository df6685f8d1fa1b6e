"""Reads of the provider's agenda (day and week of bookings per resource) and the day's export
(CSV through core.exports, PDF through core.pdf). Every query is scoped to the provider: the
caller passes the provider of the active role (or of the API token)."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from benecomune.bookings.home_visits import visit_address
from benecomune.bookings.models import Booking, BookingStatus, Resource
from benecomune.bookings.services.booking_walk_in import is_walk_in
from benecomune.bookings.slots import ROME
from benecomune.ledger.money import format_decimal

HIDDEN = (BookingStatus.CANCELLED, BookingStatus.DECLINED)


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=ROME)


def bookings_between(provider, first: datetime.date, last: datetime.date, *, closed=False):
    """The provider's bookings starting on local days first..last (cancelled and declined
    only with `closed`), in time order."""
    rows = Booking.objects.filter(
        provider=provider,
        starts_at__gte=local_midnight(first),
        starts_at__lt=local_midnight(last + datetime.timedelta(days=1)),
    ).select_related("person", "resource", "order", "service")
    if not closed:
        rows = rows.exclude(status__in=HIDDEN)
    return rows.order_by("starts_at", "pk")


@dataclass
class Lane:
    """One resource's bookings (resource None: bookings of a series without a resource)."""

    resource: Resource | None
    bookings: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.resource.name if self.resource else _("Senza risorsa")


def lanes(provider, rows) -> list[Lane]:
    """Every active resource of the provider (also without bookings), then any other resource
    the rows name, then the rows without a resource."""
    by_id = {
        r.pk: Lane(r)
        for r in Resource.objects.filter(provider=provider, active=True).order_by("name", "pk")
    }
    loose = Lane(None)
    for booking in rows:
        if booking.resource_id is None:
            loose.bookings.append(booking)
        else:
            by_id.setdefault(booking.resource_id, Lane(booking.resource)).bookings.append(booking)
    return [*by_id.values(), *([loose] if loose.bookings else [])]


def notes_of(booking: Booking) -> str:
    """What the counter needs to know, in words (no colour): walk-in, the desk, what is due at
    the provider, the reason of a cancellation."""
    notes = []
    if is_walk_in(booking):
        notes.append(_("al banco"))
    if booking.on_behalf:
        notes.append(_("prenotata allo sportello del Comune"))
    if booking.person_id != booking.booker_id:
        notes.append(_("prenotata da un familiare"))
    if booking.order_id and booking.order.due_at_provider:
        due = format_decimal(booking.order.due_at_provider)
        notes.append(_("da incassare € %(amount)s") % {"amount": due})
    if booking.cancel_reason:
        notes.append(booking.cancel_reason)
    return "; ".join(notes)


def day_rows(provider, day: datetime.date):
    """[(resource name, booking, notes)] of the day, resource by resource."""
    rows = bookings_between(provider, day, day, closed=True)
    return [
        (lane.name, booking, notes_of(booking))
        for lane in lanes(provider, rows)
        for booking in lane.bookings
    ]


def export_header() -> list[str]:
    return [
        _("Risorsa"),
        _("Ora"),
        _("Fine"),
        _("Servizio"),
        _("Persona"),
        _("Telefono"),
        _("Indirizzo della visita"),
        _("Note"),
        _("Stato"),
        _("Numero"),
    ]


def export_line(resource: str, booking: Booking, notes: str) -> list:
    start = booking.starts_at.astimezone(ROME)
    return [
        resource,
        f"{start:%H:%M}",
        f"{booking.ends_at.astimezone(ROME):%H:%M}",
        booking.title,
        booking.person.full_name,
        booking.person.phone,
        visit_address(booking),  # home visits only: "" for any other service
        notes,
        booking.get_status_display(),
        booking.number,
    ]
