"""Bookings API, /api/v1/bookings/... (the same services as the pages):

- `GET /slots`: the free slots of a published service over a date range (public, no token).
- With a provider's device/integration token (the API has no sessions: citizens use the
  pages): `GET /` (its bookings over a range), `GET /day`, `POST /` (book a registered
  person by codice fiscale, as at the counter), `POST /{id}/reschedule`, `/cancel`,
  `/confirm`, `/decline`, `/complete`, `/no-show`.

Every call that creates or moves a booking (and so holds, captures or releases its order's
money) needs an `Idempotency-Key` header (1-64 characters). A booking replayed with its key
returns the same booking; the same key with other data is refused (409); a move already made
(its replay) returns the booking unchanged. Errors are JSON `{"code", "message"}` with an
Italian message and change nothing. Another provider's booking or service is a 404, before
the body is read.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema, Status

from benecomune.api.auth import DeviceTokenAuth
from benecomune.api.main import ErrorOut, add_app_router
from benecomune.bookings.api_bookings_common import (
    BookingOut,
    error,
    parse_date,
    parse_time,
    provider_out,
)
from benecomune.bookings.models import Booking, BookingStatus
from benecomune.bookings.provider_agenda_queries import bookings_between
from benecomune.bookings.services import (
    agenda_reads,
    booking_moves,
    booking_provider_moves,
    booking_walk_in,
)
from benecomune.bookings.services.provider_side import DEVICE_PERMISSION
from benecomune.bookings.slot_reads import public_schedule
from benecomune.bookings.slots import local_instant, minutes_of
from benecomune.core.actors import Actor
from benecomune.core.middleware import client_ip
from benecomune.core.models import Provider
from benecomune.core.scoping import all_tenants
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.marketplace.models import Service

router = Router(tags=["prenotazioni"], auth=DeviceTokenAuth())
KEY = Header(None, alias="Idempotency-Key")
MAX_RANGE_DAYS = 31
S = BookingStatus
RESPONSES = {
    200: BookingOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
}


def _forbidden():
    return error(403, "forbidden", _("Il token non permette questa operazione."))


def _no_key():
    return error(400, "idempotency_key_missing", _("Manca l'intestazione Idempotency-Key."))


def _range(first: str, last: str) -> tuple[datetime.date, datetime.date]:
    start = parse_date(first, _("Data di inizio"))
    end = parse_date(last or first, _("Data di fine"))
    if end < start or (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationError(
            _("L'intervallo va da una data a una successiva, per al massimo %(n)s giorni.")
            % {"n": MAX_RANGE_DAYS}
        )
    return start, end


# --- public: the free slots ---------------------------------------------------------------------


class SlotOut(Schema):
    start: datetime.datetime = Field(..., description="Inizio (UTC)")
    end: datetime.datetime
    local_date: datetime.date = Field(..., description="Giorno, ora italiana")
    local_time: str = Field(..., description="Ora di inizio, ora italiana (HH:MM)")
    free: int = Field(..., description="Posti liberi")


@router.get("/slots", response={200: list[SlotOut], 400: ErrorOut, 404: ErrorOut}, auth=None)
def slots(
    request,
    service: int,
    date_from: str = Query("", alias="from"),
    date_to: str = Query("", alias="to"),
):
    """The free slots of a published service from `from` to `to` (local dates
    AAAA-MM-GG, at most 31 days); the booking rules (notice, window) apply."""
    with all_tenants():  # public data of a published service
        schedule = public_schedule(service)
        if schedule is None:
            return error(404, "not_found", _("Servizio inesistente o non prenotabile."))
        try:
            first, last = _range(date_from, date_to)
        except ValidationError as exc:
            return error(400, "invalid", " ".join(exc.messages))
        found_slots = agenda_reads.available_slots(schedule, first, last)
    return Status(
        200,
        [
            {
                "start": s.start,
                "end": s.end,
                "local_date": s.local_start.date(),
                "local_time": f"{s.local_start:%H:%M}",
                "free": s.free,
            }
            for s in found_slots
        ],
    )


# --- the provider's token -------------------------------------------------------------------------


def _actor(request) -> Actor:
    return Actor.for_device(request.auth, client_ip(request))


def _provider(request) -> Provider | None:
    provider = Provider.objects.filter(pk=request.auth.organization_id).first()
    if provider is None or not _actor(request).has_perm(DEVICE_PERMISSION, provider):
        return None
    return provider


def _refused(exc) -> Status:
    if isinstance(exc, IdempotencyConflict):
        return error(409, "idempotency_conflict", str(exc))
    if isinstance(exc, PermissionDenied):
        return _forbidden()
    return error(400, "refused", " ".join(exc.messages))


@router.get("/", response={200: list[BookingOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut})
def list_bookings(
    request,
    date_from: str = Query("", alias="from"),
    date_to: str = Query("", alias="to"),
    status: str = "",
):
    """The provider's bookings starting from `from` to `to` (local dates, at most 31
    days), of one status when given, in time order."""
    provider = _provider(request)
    if provider is None:
        return _forbidden()
    try:
        first, last = _range(date_from, date_to)
    except ValidationError as exc:
        return error(400, "invalid", " ".join(exc.messages))
    rows = bookings_between(provider, first, last, closed=True)
    if status in S.values:
        rows = rows.filter(status=status)
    return Status(200, [provider_out(b) for b in rows])


@router.get("/day", response={200: list[BookingOut], 400: ErrorOut, 401: ErrorOut, 403: ErrorOut})
def day(request, date: str = ""):
    """Every booking of the provider starting on local `date` (all states): the agenda."""
    return list_bookings(request, date_from=date, date_to=date)


class BookIn(Schema):
    service: int
    date: str = Field(..., description="AAAA-MM-GG, ora italiana")
    time: str = Field(..., description="HH:MM, ora italiana")
    fiscal_code: str = Field(..., description="Codice fiscale di una persona registrata")


@router.post("/", response=RESPONSES)
def book(request, data: BookIn, idempotency_key: str | None = KEY):
    """Book a registered person (by codice fiscale) into a slot of one of the provider's
    services, as at the counter: confirmed at once, a priced service paid at the provider."""
    if not idempotency_key or len(idempotency_key) > 64:
        return _no_key()
    provider = _provider(request)
    if provider is None:
        return _forbidden()
    service = Service.objects.filter(pk=data.service, provider=provider).first()
    if service is None:
        return error(404, "not_found", _("Servizio inesistente."))
    try:
        person = booking_walk_in.find_person(_actor(request), provider, data.fiscal_code)
    except ValidationError as exc:
        return error(400, "invalid", " ".join(exc.messages))
    if person is None:
        return error(
            404,
            "person_not_found",
            _("Nessuna persona registrata con questo codice fiscale: la registri al banco."),
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


def _move(request, pk: str, key, step, done=None):
    """Run `step` on the provider's booking `pk`; `done(booking)` true: a replay of a move
    already made, the booking is returned as it is."""
    if not key or len(key) > 64:
        return _no_key()
    booking = (
        Booking.objects.select_related("person", "resource", "schedule")
        .filter(pk=int(pk) if pk.isdigit() else 0, provider_id=request.auth.organization_id)
        .first()
    )
    if booking is None:
        return error(404, "not_found", _("Prenotazione inesistente."))
    if done is None or not done(booking):
        try:
            step(_actor(request), booking)
        except (ValidationError, PermissionDenied) as exc:
            return _refused(exc)
    booking = Booking.objects.select_related("person", "resource").get(pk=booking.pk)
    return Status(200, provider_out(booking))


def _in(status):
    return lambda booking: booking.status == status


class ReasonIn(Schema):
    reason: str = Field("", max_length=300, description="Obbligatorio: lo legge chi ha prenotato")


class RescheduleIn(Schema):
    date: str = Field(..., description="AAAA-MM-GG, ora italiana")
    time: str = Field(..., description="HH:MM, ora italiana")
    reason: str = Field("", max_length=300, description="Obbligatorio: lo legge chi ha prenotato")


@router.post("/{pk}/reschedule", response=RESPONSES)
def reschedule(request, pk: str, data: RescheduleIn, idempotency_key: str | None = KEY):
    """Move the booking to another free slot of its service (agreed with the person)."""

    def step(actor, booking):
        day = parse_date(data.date, _("Nuovo giorno"))
        time = parse_time(data.time, _("Nuovo orario"))
        return booking_provider_moves.reschedule_by_provider(
            actor, booking, day=day, time=time, reason=data.reason
        )

    def done(booking):  # the booking already at that time: a replay
        try:
            day, time = parse_date(data.date, ""), parse_time(data.time, "")
        except ValidationError:
            return False
        return booking.active and booking.starts_at == local_instant(day, minutes_of(time))

    return _move(request, pk, idempotency_key, step, done)


@router.post("/{pk}/cancel", response=RESPONSES)
def cancel(request, pk: str, data: ReasonIn, idempotency_key: str | None = KEY):
    """Cancelled by the provider, with the reason: its order released."""
    return _move(
        request,
        pk,
        idempotency_key,
        lambda a, b: booking_moves.cancel_by_provider(a, b, reason=data.reason),
        _in(S.CANCELLED),
    )


@router.post("/{pk}/confirm", response=RESPONSES)
def confirm(request, pk: str, idempotency_key: str | None = KEY):
    return _move(request, pk, idempotency_key, booking_moves.confirm, _in(S.CONFIRMED))


@router.post("/{pk}/decline", response=RESPONSES)
def decline(request, pk: str, data: ReasonIn, idempotency_key: str | None = KEY):
    return _move(
        request,
        pk,
        idempotency_key,
        lambda a, b: booking_moves.decline(a, b, reason=data.reason),
        _in(S.DECLINED),
    )


@router.post("/{pk}/complete", response=RESPONSES)
def complete(request, pk: str, idempotency_key: str | None = KEY):
    """The service was delivered (after its start): the order is captured."""
    return _move(request, pk, idempotency_key, booking_moves.complete, _in(S.COMPLETED))


@router.post("/{pk}/no-show", response=RESPONSES)
def no_show(request, pk: str, idempotency_key: str | None = KEY):
    return _move(request, pk, idempotency_key, booking_moves.no_show, _in(S.NO_SHOW))


add_app_router("bookings", router)
