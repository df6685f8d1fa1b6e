"""Bookings API for the provider's device/integration tokens, /api/v1/bookings/provider/...:
a day's bookings, a booking at the counter (walk-in, for a registered person), confirm,
decline (reason), complete, no-show and cancel (reason): the same services as the agenda's
pages (booking_moves, booking_walk_in). Moves and bookings need an `Idempotency-Key`; a move
already made returns the booking unchanged. Another provider's booking is a 404, before its
body is read."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status

from benecomune.api.auth import DeviceTokenAuth
from benecomune.api.main import ErrorOut
from benecomune.bookings.api_bookings_common import (
    ProviderBookingOut,
    booking_out,
    error,
    parse_date,
    parse_time,
)
from benecomune.bookings.models import Booking, BookingStatus
from benecomune.bookings.provider_agenda_queries import bookings_between
from benecomune.bookings.services import booking_moves, booking_walk_in
from benecomune.bookings.services.provider_side import DEVICE_PERMISSION
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_fiscal_code
from benecomune.core.middleware import client_ip
from benecomune.core.models import Person, Provider
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.marketplace.models import Service

router = Router(tags=["prenotazioni (fornitore)"], auth=DeviceTokenAuth())
KEY = Header(None, alias="Idempotency-Key")
RESPONSES = {
    200: ProviderBookingOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
}
FORBIDDEN = "Il token non permette questa operazione."


class ReasonIn(Schema):
    reason: str = Field("", max_length=300, description="Obbligatorio: lo legge chi ha prenotato")


class WalkInIn(Schema):
    service: int
    date: str = Field(..., description="AAAA-MM-GG, ora italiana")
    time: str = Field(..., description="HH:MM, ora italiana")
    fiscal_code: str = Field(..., description="Codice fiscale di una persona registrata")


def _actor(request) -> Actor:
    return Actor.for_device(request.auth, client_ip(request))


def _provider(request) -> Provider | None:
    return Provider.objects.filter(pk=request.auth.organization_id).first()


def provider_out(booking: Booking) -> dict:
    return {
        **booking_out(booking),
        "person": booking.person.full_name,
        "phone": booking.person.phone,
        "walk_in": booking_walk_in.is_walk_in(booking),
    }


def _refused(exc) -> Status:
    if isinstance(exc, IdempotencyConflict):
        return error(409, "idempotency_conflict", str(exc))
    if isinstance(exc, PermissionDenied):
        return error(403, "forbidden", _(FORBIDDEN))
    return error(400, "refused", " ".join(exc.messages))


@router.get("/day", response={200: list[ProviderBookingOut], 400: ErrorOut, 403: ErrorOut})
def day(request, date: str = ""):
    """Every booking of the provider starting on local `date` (all states), in time order."""
    provider = _provider(request)
    if provider is None or not _actor(request).has_perm(DEVICE_PERMISSION, provider):
        return error(403, "forbidden", _(FORBIDDEN))
    try:
        when = parse_date(date, _("Giorno"))
    except ValidationError as exc:
        return error(400, "invalid", " ".join(exc.messages))
    rows = bookings_between(provider, when, when, closed=True).select_related("resource")
    return Status(200, [provider_out(b) for b in rows])


@router.post("/walk-in", response=RESPONSES)
def walk_in(request, data: WalkInIn, idempotency_key: str | None = KEY):
    """Book a registered person (by codice fiscale) into a slot, as at the counter."""
    if not idempotency_key or len(idempotency_key) > 64:
        return error(400, "idempotency_key_missing", _("Manca l'intestazione Idempotency-Key."))
    provider = _provider(request)
    service = Service.objects.filter(pk=data.service, provider=provider).first()
    if provider is None or service is None:
        return error(404, "not_found", _("Servizio inesistente."))
    code = normalize_fiscal_code(data.fiscal_code)
    person = Person.objects_unscoped.filter(fiscal_code=code).first() if code else None
    if person is None:
        return error(
            404,
            "person_not_found",
            _("Nessuna persona registrata con questo codice fiscale: la registri dal banco."),
        )
    try:
        booking = booking_walk_in.book_walk_in(
            _actor(request),
            service=service,
            person=person,
            day=parse_date(data.date, _("Giorno")),
            time=parse_time(data.time, _("Orario")),
            idempotency_key=f"api:{idempotency_key}",
        )
    except (ValidationError, PermissionDenied) as exc:
        return _refused(exc)
    return Status(200, provider_out(booking))


def _move(request, pk: str, key, done: str, step):
    if not key or len(key) > 64:
        return error(400, "idempotency_key_missing", _("Manca l'intestazione Idempotency-Key."))
    booking = (
        Booking.objects.select_related("person", "resource")
        .filter(pk=int(pk) if pk.isdigit() else 0, provider_id=request.auth.organization_id)
        .first()
    )
    if booking is None:
        return error(404, "not_found", _("Prenotazione inesistente."))
    if booking.status != done:  # a replay of a move already made: the booking as it is
        try:
            booking = step(_actor(request), booking)
        except (ValidationError, PermissionDenied) as exc:
            return _refused(exc)
    booking = Booking.objects.select_related("person", "resource").get(pk=booking.pk)
    return Status(200, provider_out(booking))


S = BookingStatus


@router.post("/{pk}/confirm", response=RESPONSES)
def confirm(request, pk: str, idempotency_key: str | None = KEY):
    return _move(request, pk, idempotency_key, S.CONFIRMED, booking_moves.confirm)


@router.post("/{pk}/decline", response=RESPONSES)
def decline(request, pk: str, data: ReasonIn, idempotency_key: str | None = KEY):
    return _move(
        request,
        pk,
        idempotency_key,
        S.DECLINED,
        lambda a, b: booking_moves.decline(a, b, reason=data.reason),
    )


@router.post("/{pk}/complete", response=RESPONSES)
def complete(request, pk: str, idempotency_key: str | None = KEY):
    return _move(request, pk, idempotency_key, S.COMPLETED, booking_moves.complete)


@router.post("/{pk}/no-show", response=RESPONSES)
def no_show(request, pk: str, idempotency_key: str | None = KEY):
    return _move(request, pk, idempotency_key, S.NO_SHOW, booking_moves.no_show)


@router.post("/{pk}/cancel", response=RESPONSES)
def cancel(request, pk: str, data: ReasonIn, idempotency_key: str | None = KEY):
    return _move(
        request,
        pk,
        idempotency_key,
        S.CANCELLED,
        lambda a, b: booking_moves.cancel_by_provider(a, b, reason=data.reason),
    )
