"""POS API, /api/v1/pos/...: tills and till software take vouchers with a shop's device token.

Every call needs `Authorization: Bearer <token of a shop>` and an `Idempotency-Key` header
(1-64 characters): a retry with the same key returns the first answer and moves nothing; the
same key with other data is refused (`idempotency_key_reused`). Errors are JSON
`{"code": "...", "message": "..."}`: stable codes for programs, Italian messages for people.
"""

import datetime
import inspect
import json
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Path, Router, Schema

from benecomune.api.auth import DeviceTokenAuth
from benecomune.core.actors import Actor
from benecomune.ledger.money import MAX_CENTS
from benecomune.vouchers.models import Authorisation, Redemption
from benecomune.vouchers.services import authorisations, redeem
from benecomune.vouchers.services.errors import ERRORS, VoucherError
from benecomune.vouchers.services.lookup import merchant_context

router = Router(tags=["cassa (POS)"], auth=DeviceTokenAuth())


class ErrorOut(Schema):
    code: str = Field(
        ...,
        description="Codice stabile dell'errore: "
        + "; ".join(f"{code} ({status})" for code, (status, _text) in ERRORS.items()),
        examples=["insufficient_balance", "code_used", "sale_in_debit_note"],
    )
    message: str = Field(..., description="Spiegazione in italiano, da mostrare alla cassa")


class RedeemIn(Schema):
    code: str = Field(
        ...,
        min_length=1,
        max_length=120,
        description="Il contenuto del QR (BC1.…), il codice di 8 cifre o il numero di 12 cifre "
        "della tessera.",
        examples=["BC1.2N.T5ZP8K.ABCDEFGHIJKLMNOP", "48213576"],
    )
    amount: int = Field(
        ..., gt=0, lt=MAX_CENTS, description="Importo in centesimi di euro (1250 = € 12,50)."
    )
    pin: str | None = Field(
        None, pattern=r"^\d{4,6}$", description="PIN della tessera stampata (solo per le tessere)."
    )


class CaptureIn(Schema):
    amount: int | None = Field(
        None,
        gt=0,
        lt=MAX_CENTS,
        description="Quanto incassare, in centesimi; senza importo, tutto l'autorizzato. "
        "Il resto torna sul buono.",
    )


class VoidIn(Schema):
    reason: str = Field("", max_length=200, description="Motivo dell'annullamento")


class RedemptionOut(Schema):
    id: int = Field(..., description="Numero dello scontrino")
    amount: int = Field(..., description="Importo incassato, in centesimi")
    balance_after: int = Field(..., description="Saldo residuo del buono dopo l'incasso")
    currency: str = "EUR"
    channel: str = Field(..., description="qr, code (codice digitato) o card (tessera)")
    created_at: datetime.datetime
    void_until: datetime.datetime = Field(..., description="Annullabile fino a")
    voided: bool
    voided_at: datetime.datetime | None = None
    authorisation_id: int | None = None
    replayed: bool = Field(..., description="Vero se è la risposta a una ripetizione")


class AuthorisationOut(Schema):
    id: int
    amount: int = Field(..., description="Importo tenuto da parte sul buono, in centesimi")
    status: str = Field(..., description="authorised, captured o voided")
    expires_at: datetime.datetime = Field(..., description="Dopo, l'importo torna disponibile")
    replayed: bool


ERROR_RESPONSES = dict.fromkeys(sorted({status for status, _text in ERRORS.values()}), ErrorOut)
ID = Path(..., gt=0, lt=2**63, description="Numero restituito dalla chiamata precedente")
KEY = Header(
    ...,
    alias="Idempotency-Key",
    description="Chiave scelta dalla cassa, da 1 a 64 caratteri (lettere, cifre, . _ : -); "
    "la stessa per ogni ripetizione della stessa operazione.",
)


def _json(status: int, data: dict) -> HttpResponse:
    """The answer as JSON, straight: the data are built here to match the documented schemas,
    so ninja's second validation of the response is skipped on this hot path."""
    return HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder), status=status, content_type="application/json"
    )


def _error(exc: VoucherError):
    return _json(exc.status, {"code": exc.error_code, "message": exc.text})


def device_actor(token, ip_address: str | None) -> Actor:
    """Who acts when a till calls: the shop's device (its token), from its address, with the
    device's own permissions inside its shop only (never a system actor)."""
    return Actor.for_device(token, ip_address=ip_address)


def pos_call(view):
    """The shop of the token, a device actor, and errors as {code, message}."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.auth
        try:
            if token.organization.kind != "provider":
                raise VoucherError("forbidden")
            ctx = merchant_context(token.organization_id)
            actor = device_actor(token, request.META.get("REMOTE_ADDR"))
            return view(request, ctx, actor, token, *args, **kwargs)
        except VoucherError as exc:
            return _error(exc)
        except PermissionDenied:
            return _error(VoucherError("forbidden"))
        except ValidationError as exc:
            return _error(VoucherError("validation_error", " ".join(exc.messages)))

    # Ninja reads the parameters from the signature: hide the ones this wrapper supplies.
    signature = inspect.signature(view)
    wrapper.__signature__ = signature.replace(
        parameters=[
            p for n, p in signature.parameters.items() if n not in ("ctx", "actor", "token")
        ]
    )
    return wrapper


def redemption_out(redemption: Redemption) -> dict:
    return {
        "id": redemption.pk,
        "amount": redemption.amount,
        "balance_after": redemption.balance_after,
        "currency": "EUR",
        "channel": redemption.channel,
        "created_at": redemption.created_at,
        "void_until": redemption.created_at
        + datetime.timedelta(minutes=authorisations.VOID_MINUTES),
        "voided": redemption.voided_at is not None,
        "voided_at": redemption.voided_at,
        "authorisation_id": redemption.authorisation_id,
        "replayed": getattr(redemption, "replayed", False),
    }


def authorisation_out(authorisation: Authorisation) -> dict:
    return {
        "id": authorisation.pk,
        "amount": authorisation.amount,
        "status": authorisation.status,
        "expires_at": authorisation.expires_at,
        "replayed": getattr(authorisation, "replayed", False),
    }


def _by_code(service, actor, ctx, token, payload: RedeemIn, idempotency_key: str):
    """Redeem and authorise take the same input: a code (with its PIN), an amount, a key."""
    return service(
        actor,
        ctx,
        code=payload.code,
        amount=payload.amount,
        pin=payload.pin,
        idempotency_key=idempotency_key,
        device_id=token.pk,
    )


def _created(obj, out) -> HttpResponse:
    """201 on the first call, 200 on a replay with the same key."""
    return _json(200 if obj.replayed else 201, out(obj))


@router.post(
    "/redeem",
    response={201: RedemptionOut, 200: RedemptionOut, **ERROR_RESPONSES},
    summary="Incasso in un passaggio",
    description="Legge il codice, controlla circuito, regole del buono e saldo, e incassa "
    "l'importo (nessun resto: al massimo il saldo). 201 alla prima chiamata, 200 con "
    "`replayed: true` alle ripetizioni con la stessa chiave. Il codice di 8 cifre vale per un "
    "solo incasso: usato di nuovo risponde 409 `code_used`. Il cittadino riceve un avviso di "
    "ogni incasso.",
)
@pos_call
def redeem_voucher(request, ctx, actor, token, payload: RedeemIn, idempotency_key: str = KEY):
    redemption = _by_code(redeem.redeem, actor, ctx, token, payload, idempotency_key)
    return _created(redemption, redemption_out)


@router.post(
    "/authorisations",
    response={201: AuthorisationOut, 200: AuthorisationOut, **ERROR_RESPONSES},
    summary="Autorizza (tiene da parte un importo)",
    description="Come l'incasso, ma l'importo resta sul buono, bloccato, finché non viene "
    "incassato (capture) o annullato (void), o scade. Il codice di 8 cifre vale per una sola "
    "autorizzazione (409 `code_used` dopo).",
)
@pos_call
def authorise(request, ctx, actor, token, payload: RedeemIn, idempotency_key: str = KEY):
    authorisation = _by_code(authorisations.authorise, actor, ctx, token, payload, idempotency_key)
    return _created(authorisation, authorisation_out)


@router.post(
    "/authorisations/{authorisation_id}/capture",
    response={201: RedemptionOut, 200: RedemptionOut, **ERROR_RESPONSES},
    summary="Incassa un'autorizzazione (tutta o in parte)",
)
@pos_call
def capture(
    request,
    ctx,
    actor,
    token,
    payload: CaptureIn,
    authorisation_id: int = ID,
    idempotency_key: str = KEY,
):
    redemption = authorisations.capture(
        actor,
        ctx,
        authorisation_id,
        amount=payload.amount,
        idempotency_key=idempotency_key,
        device_id=token.pk,
    )
    return _created(redemption, redemption_out)


@router.post(
    "/authorisations/{authorisation_id}/void",
    response={200: AuthorisationOut, **ERROR_RESPONSES},
    summary="Annulla un'autorizzazione",
)
@pos_call
def void_authorisation(
    request, ctx, actor, token, authorisation_id: int = ID, idempotency_key: str = KEY
):
    authorisation = authorisations.void_authorisation(
        actor, ctx, authorisation_id, idempotency_key=idempotency_key
    )
    return _json(200, authorisation_out(authorisation))


@router.post(
    "/redemptions/{redemption_id}/void",
    response={200: RedemptionOut, **ERROR_RESPONSES},
    summary="Annulla un incasso (entro 15 minuti, stesso negozio)",
    description="Storna l'incasso: il denaro torna sul buono. Solo il negozio che ha "
    "incassato, entro 15 minuti (poi 409 `void_not_allowed`), e non se la vendita è già in una "
    "nota di debito emessa (409 `sale_in_debit_note`: si chiede al Comune una rettifica).",
)
@pos_call
def void_redemption(
    request, ctx, actor, token, payload: VoidIn, redemption_id: int = ID, idempotency_key: str = KEY
):
    redemption = authorisations.void_redemption(
        actor, ctx, redemption_id, idempotency_key=idempotency_key, reason=payload.reason
    )
    return _json(200, redemption_out(redemption))


def validation_error_handler(previous):
    """POS calls answer bad input as {code: validation_error, message}; others as before."""

    def handler(request, exc):
        if not request.path.startswith("/api/v1/pos/"):
            return previous(request, exc)
        from benecomune.api.main import api

        fields = []
        for error in getattr(exc, "errors", []) or []:
            loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "payload")]
            if loc[:1] == ["header"]:  # Idempotency-Key, the one required header
                return _error(redeem.key_error())
            fields.append(".".join(loc) or "body")
        message = VoucherError(
            "validation_error",
            ("Dati non validi: %s." % ", ".join(sorted(set(fields))))  # noqa: UP031
            if fields
            else None,
        )
        return api.create_response(
            request,
            {"code": "validation_error", "message": message.text},
            status=400,
        )

    return handler


def http_error_handler(previous):
    """Ninja's own HTTP errors (a body that is not JSON) as {code, message} on POS calls."""

    def handler(request, exc):
        if not request.path.startswith("/api/v1/pos/") or exc.status_code != 400:
            return previous(request, exc)
        message = _("Il corpo della richiesta non è JSON valido.")
        return _json(400, {"code": "validation_error", "message": str(message)})

    return handler
