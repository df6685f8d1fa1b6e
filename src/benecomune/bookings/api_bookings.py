"""Bookings API, /api/v1/bookings/...: the same services as the pages.

- `GET /slots`: the free slots of a published service over a date range (public).
- The citizen, with their session (cookie + CSRF token, as the site's pages): `GET /mine`,
  `POST /mine` (book), `POST /mine/{id}/cancel`, `POST /mine/{id}/reschedule`.
- The provider, with its device/integration token: see `api_bookings_provider.py`
  (`/provider/...`).

Every call that creates a booking or moves money (a booking's order is held, captured or
released) needs an `Idempotency-Key` header (1-64 characters): replaying it returns the same
result, the same key with other data is refused (409). Errors are JSON `{"code", "message"}`
with an Italian message, and change nothing. Another person's booking is a 404.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from ninja.security import SessionAuth

from benecomune.api.main import ErrorOut, add_app_router
from benecomune.bookings import booking_queries
from benecomune.bookings.api_bookings_common import (
    BookingOut,
    booking_out,
    error,
    parse_date,
    parse_time,
)
from benecomune.bookings.api_bookings_provider import router as provider_router
from benecomune.bookings.models import Booking, OwnMoney, Series
from benecomune.bookings.services import agenda_reads, booking_moves, bookings
from benecomune.bookings.slots import local_instant, minutes_of
from benecomune.core.actors import Actor
from benecomune.core.middleware import SECOND_FACTOR_BY_IDENTITY_KEY, client_ip
from benecomune.core.models import Person
from benecomune.core.scoping import all_tenants, tenant_scope
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.marketplace.models import Service
from benecomune.marketplace.services.offer import visible_services

router = Router(tags=["prenotazioni"])
MAX_RANGE_DAYS = 31
KEY = Header(None, alias="Idempotency-Key")


class SlotOut(Schema):
    start: datetime.datetime = Field(..., description="Inizio (UTC)")
    end: datetime.datetime
    local_date: datetime.date = Field(..., description="Giorno, ora italiana")
    local_time: str = Field(..., description="Ora di inizio, ora italiana (HH:MM)")
    free: int = Field(..., description="Posti liberi")


def _public_service(pk: int) -> Service | None:
    service = Service.objects_unscoped.select_related("provider").filter(pk=pk).first()
    if service is None:
        return None
    if not visible_services(service.provider).filter(pk=service.pk).exists():
        return None
    return service


@router.get("/slots", response={200: list[SlotOut], 400: ErrorOut, 404: ErrorOut}, auth=None)
def slots(request, service: int, date_from: str = Field("", alias="from"), date_to: str = ""):
    """The free slots of a published service from `from` to `to` (local dates, at most 31
    days); the booking rules (notice, window) apply."""
    with all_tenants():  # public data of a published service
        found = _public_service(service)
        schedule = agenda_reads.schedule_of(found) if found else None
        if schedule is None:
            return error(404, "not_found", _("Servizio inesistente o non prenotabile."))
        try:
            first = parse_date(date_from, _("Data di inizio"))
            last = parse_date(date_to or date_from, _("Data di fine"))
        except ValidationError as exc:
            return error(400, "invalid", " ".join(exc.messages))
        if last < first or (last - first).days >= MAX_RANGE_DAYS:
            return error(
                400,
                "invalid",
                _("L'intervallo va da una data a una successiva, per al massimo %(n)s giorni.")
                % {"n": MAX_RANGE_DAYS},
            )
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


# --- the citizen, with their session ----------------------------------------------------------


class CitizenAuth(SessionAuth):
    """The signed-in citizen (Django session; ninja checks the CSRF token on writes). A staff
    account still waiting for its second factor is refused, as on the pages."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.person_id:
            return None
        staff = user.memberships.filter(is_active=True).exists() or user.is_staff
        if (
            staff
            and not user.is_verified()
            and not request.session.get(SECOND_FACTOR_BY_IDENTITY_KEY)
        ):
            return None
        return user


mine = Router(auth=CitizenAuth())


class BookIn(Schema):
    service: int
    date: str = Field("", description="Giorno, AAAA-MM-GG (ora italiana)")
    time: str = Field("", description="Ora di inizio, HH:MM (ora italiana)")
    series: int | None = Field(None, description="Un percorso, invece di giorno e ora")
    person: int | None = Field(None, description="Un componente del nucleo; vuoto: sé stessi")
    split: dict[str, int] = Field(
        default_factory=dict, description="Portafoglio -> centesimi (servizi a pagamento)"
    )
    own_amount: int = Field(0, description="Denaro proprio, centesimi")
    own_money: str = Field("", description="'online' o 'at_provider'")


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class RescheduleIn(Schema):
    date: str
    time: str


def _citizen(request) -> tuple[Actor, Person]:
    user = request.auth
    return Actor(user=user, ip_address=client_ip(request)), Person.objects_unscoped.get(
        pk=user.person_id
    )


def _scope(person: Person):
    """The citizen's scope, as on their pages: the network of the Comune where they live."""
    org = person.residence
    return tenant_scope(org.network.tenant_ids() if org.network_id else [org.pk])


def _key(key) -> str | None:
    return key if key and len(key) <= 64 else None


def _refused(exc) -> Status:
    if isinstance(exc, IdempotencyConflict):
        return error(409, "idempotency_conflict", str(exc))
    if isinstance(exc, PermissionDenied):
        return error(403, "forbidden", str(exc) or _("Operazione non permessa."))
    return error(400, "refused", " ".join(exc.messages))


RESPONSES = {
    200: BookingOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
}
MISSING_KEY = _("Manca l'intestazione Idempotency-Key.")


@mine.get("", response={200: list[BookingOut], 401: ErrorOut})
def my_bookings(request):
    """The citizen's bookings (made by them, for themselves or their household), newest
    first, at most 200."""
    _actor, person = _citizen(request)
    rows = booking_queries.bookings_of_person(person.pk).order_by("-starts_at", "-pk")[:200]
    return Status(200, [booking_out(b) for b in rows])


def _person(booker: Person, pk: int | None) -> Person | None:
    if pk is None:
        return booker
    return next((p for p in bookings.household_people(booker) if p.pk == pk), None)


@mine.post("", response=RESPONSES)
def book(request, data: BookIn, idempotency_key: str | None = KEY):
    """Book a slot (`date` + `time`) or a series for oneself or a household member. A priced
    service is paid as at the checkout (`split`, `own_amount`, `own_money`)."""
    if not (key := _key(idempotency_key)):
        return error(400, "idempotency_key_missing", MISSING_KEY)
    actor, booker = _citizen(request)
    with _scope(booker):
        service = Service.objects_unscoped.filter(pk=data.service).first()
        person = _person(booker, data.person)
        if service is None or person is None:
            return error(404, "not_found", _("Servizio o persona inesistente."))
        series = None
        if data.series is not None:
            series = Series.objects_unscoped.filter(pk=data.series, service=service).first()
            if series is None:
                return error(404, "not_found", _("Percorso inesistente."))
        try:
            day = time = None
            if series is None:
                day = parse_date(data.date, _("Giorno"))
                time = parse_time(data.time, _("Orario"))
            booking = bookings.book(
                actor,
                service=service,
                booker=booker,
                person=person,
                day=day,
                time=time,
                series=series,
                split={int(k): v for k, v in data.split.items() if str(k).isdigit()},
                own_amount=data.own_amount,
                own_money=data.own_money or OwnMoney.NONE,
                idempotency_key=f"api:{key}",
            )
        except (ValidationError, PermissionDenied) as exc:
            return _refused(exc)
    return Status(200, booking_out(booking))


def _own(person: Person, pk: str) -> Booking | None:
    if not pk.isdigit():
        return None
    return booking_queries.booking_of_person(person.pk, int(pk))


@mine.post("/{pk}/cancel", response=RESPONSES)
def cancel(request, pk: str, data: CancelIn, idempotency_key: str | None = KEY):
    """Cancel: free until the deadline, then as the service's late policy says. Cancelling a
    booking already cancelled returns it unchanged."""
    if not _key(idempotency_key):
        return error(400, "idempotency_key_missing", MISSING_KEY)
    actor, person = _citizen(request)
    with _scope(person):
        booking = _own(person, pk)
        if booking is None:
            return error(404, "not_found", _("Prenotazione inesistente."))
        try:
            booking = booking_moves.cancel_by_citizen(actor, booking, reason=data.reason)
        except (ValidationError, PermissionDenied) as exc:
            return _refused(exc)
    return Status(200, booking_out(booking))


@mine.post("/{pk}/reschedule", response=RESPONSES)
def reschedule(request, pk: str, data: RescheduleIn, idempotency_key: str | None = KEY):
    """Move to another free slot before the deadline. Asking again for the time the booking
    already has (a replay) returns it unchanged."""
    if not _key(idempotency_key):
        return error(400, "idempotency_key_missing", MISSING_KEY)
    actor, person = _citizen(request)
    with _scope(person):
        booking = _own(person, pk)
        if booking is None:
            return error(404, "not_found", _("Prenotazione inesistente."))
        try:
            day = parse_date(data.date, _("Nuovo giorno"))
            time = parse_time(data.time, _("Nuovo orario"))
            if booking.active and booking.starts_at == local_instant(day, minutes_of(time)):
                return Status(200, booking_out(booking))
            booking = booking_moves.reschedule(actor, booking, day=day, time=time)
        except (ValidationError, PermissionDenied) as exc:
            return _refused(exc)
    return Status(200, booking_out(booking))


router.add_router("/mine", mine)
router.add_router("/provider", provider_router)
add_app_router("bookings", router)
