"""What the bookings API's modules share: the booking's JSON, the error answer and the
parsing of dates and times with Italian messages."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema, Status

from benecomune.bookings.models import Booking
from benecomune.bookings.services.booking_walk_in import is_walk_in
from benecomune.bookings.slots import ROME


class BookingFieldsOut(Schema):
    """The fields of `booking_fields`."""

    id: int
    number: str
    status: str
    service: int
    title: str
    starts_at: datetime.datetime = Field(..., description="UTC")
    ends_at: datetime.datetime
    local_start: str = Field(..., description="AAAA-MM-GG HH:MM, ora italiana")
    order: int | None = None
    cancellation_deadline: datetime.datetime


class BookingOut(BookingFieldsOut):
    resource: str = ""
    cancelled_by: str = ""
    reason: str = ""
    person: str = Field(..., description="Nome e cognome di chi riceve il servizio")
    phone: str = ""
    walk_in: bool = Field(False, description="Prenotata dal fornitore (al banco o via API)")


def booking_fields(booking: Booking) -> dict:
    """What every booking's JSON says (read from the booking's own row: no query)."""
    return {
        "id": booking.pk,
        "number": booking.number,
        "status": booking.status,
        "service": booking.service_id,
        "title": booking.title,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "local_start": f"{booking.starts_at.astimezone(ROME):%Y-%m-%d %H:%M}",
        "order": booking.order_id,
        "cancellation_deadline": booking.cancellation_deadline,
    }


def booking_out(booking: Booking) -> dict:
    return {
        **booking_fields(booking),
        "resource": booking.resource.name if booking.resource_id else "",
        "cancelled_by": booking.cancelled_by,
        "reason": booking.cancel_reason,
    }


def provider_out(booking: Booking) -> dict:
    return {
        **booking_out(booking),
        "person": booking.person.full_name,
        "phone": booking.person.phone,
        "walk_in": is_walk_in(booking),
    }


def error(status: int, code: str, message: str) -> Status:
    return Status(status, {"code": code, "message": message})


def parse_date(value: str, label: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ValidationError(
            _("%(label)s: scriva la data come AAAA-MM-GG (per esempio 2027-03-28).")
            % {"label": label}
        ) from None


def parse_time(value: str, label: str) -> datetime.time:
    try:
        parsed = datetime.time.fromisoformat((value or "").strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.second or parsed.microsecond or parsed.tzinfo:
        raise ValidationError(
            _("%(label)s: scriva l'ora come HH:MM (per esempio 09:30).") % {"label": label}
        )
    return parsed
