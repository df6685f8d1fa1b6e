"""The citizen's book-and-pay through an app, /api/v1/bookings/mine/ (a citizen's own token,
`Authorization: Bearer bcp_...`): the same service as the booking page's POST
(`bookings.book`: the slot, the person, each wallet and the split checked in its one
transaction, the seat, the order and its payment intent with the wallets' holds), without
the page's session, CSRF, forms and templates.

`POST /` `{service, date, time, person?, wallets: {id: cents}, own_amount?, own_money?}` with
an `Idempotency-Key` header (1-64 characters; missing: 400): a replay returns the same booking,
the same key with another service, person or time is a 409. Refusals are `{"code",
"message"}` with the service's Italian message (400) and write nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status

from benecomune.api.auth import CitizenTokenAuth
from benecomune.api.main import ErrorOut, add_app_router
from benecomune.bookings.api_bookings_common import (
    BookingFieldsOut,
    booking_fields,
    error,
    parse_date,
    parse_time,
)
from benecomune.bookings.models import Booking, OwnMoney
from benecomune.bookings.order_queries import service_for_checkout
from benecomune.bookings.services import bookings
from benecomune.core.actors import Actor
from benecomune.core.middleware import client_ip
from benecomune.ledger.exceptions import IdempotencyConflict

router = Router(tags=["prenotazioni del cittadino"], auth=CitizenTokenAuth())
KEY = Header(None, alias="Idempotency-Key")


class BookAndPayIn(Schema):
    service: int
    date: str = Field(..., description="AAAA-MM-GG, ora italiana")
    time: str = Field(..., description="HH:MM, ora italiana")
    person: int | None = Field(None, description="Un familiare del nucleo; assente: sé stessi")
    wallets: dict[int, int] = Field(
        default_factory=dict, description="Borsellino (id) -> centesimi da pagare con esso"
    )
    own_amount: int = Field(0, description="Centesimi di denaro proprio")
    own_money: str = Field("", description="`online` o `at_provider` se own_amount > 0")


class MyBookingOut(BookingFieldsOut):
    order_status: str = ""


def _out(booking: Booking) -> dict:
    order = booking.order if booking.order_id else None
    return {**booking_fields(booking), "order_status": order.status if order else ""}


def _person(booker, pk: int | None):
    if pk is None or pk == booker.pk:
        return booker
    return next((p for p in bookings.household_people(booker) if p.pk == pk), None)


@router.post(
    "/",
    response={
        200: MyBookingOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
    },
)
def book_and_pay(request, data: BookAndPayIn, idempotency_key: str | None = KEY):
    """Book a slot of a service for oneself (or a member of one's household) and pay it with
    one's wallets (and own money): one seat and one payment intent, in one transaction."""
    if not idempotency_key or len(idempotency_key) > 64:
        return error(400, "idempotency_key_missing", _("Manca l'intestazione Idempotency-Key."))
    user = request.auth.user
    booker = user.person
    service = service_for_checkout(data.service)
    if service is None:
        return error(404, "not_found", _("Servizio inesistente."))
    person = _person(booker, data.person)
    if person is None:
        return error(404, "person_not_found", _("Questa persona non è nel suo nucleo familiare."))
    if data.own_money not in OwnMoney.values:
        return error(400, "invalid", _("Modo di pagamento del denaro proprio sconosciuto."))
    try:
        booking = bookings.book(
            Actor(user=user, ip_address=client_ip(request)),
            service=service,
            booker=booker,
            person=person,
            day=parse_date(data.date, _("Giorno")),
            time=parse_time(data.time, _("Orario")),
            split=data.wallets,
            own_amount=data.own_amount,
            own_money=data.own_money if data.own_amount else OwnMoney.NONE,
            idempotency_key=f"api:{idempotency_key}",
        )
    except IdempotencyConflict as exc:
        return error(409, "idempotency_conflict", str(exc))
    except PermissionDenied:
        return error(403, "forbidden", _("Operazione non permessa."))
    except ValidationError as exc:
        return error(400, "refused", " ".join(exc.messages))
    return Status(200, _out(booking))


add_app_router("bookings/mine", router)
