"""The public API, /api/v1/. Apps add their routers here."""

from django.db import connection
from django.utils import timezone
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from benecomune.api.auth import DeviceTokenAuth

api = NinjaAPI(
    title="Bene Comune API",
    version="1.0.0",
    description=(
        "API per dispositivi (casse dei negozi) e integrazioni. Autenticazione: "
        "`Authorization: Bearer <token>`; i token si creano nella pagina *Dispositivi e "
        "integrazioni* dell'organizzazione. Ogni chiamata che muove denaro richiede "
        "l'intestazione `Idempotency-Key`."
    ),
    urls_namespace="api",
)


class ErrorOut(Schema):
    code: str
    message: str


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return api.create_response(
        request,
        {"code": "unauthorized", "message": "Token mancante, non valido o revocato."},
        status=401,
    )


def default_validation_error(request, exc):
    """Ninja's documented default answer to invalid input."""
    return api.create_response(request, {"detail": exc.errors}, status=422)


def default_http_error(request, exc):
    """Ninja's documented default answer to an HttpError."""
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# Path prefix -> (validation handler, HTTP error handler), added by the apps' routers.
_ERROR_HANDLERS: dict[str, tuple] = {}


def _handler_for(request, index: int, default):
    for prefix, handlers in _ERROR_HANDLERS.items():
        if request.path.startswith(prefix) and handlers[index] is not None:
            return handlers[index]
    return default


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    return _handler_for(request, 0, default_validation_error)(request, exc)


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _handler_for(request, 1, default_http_error)(request, exc)


def add_app_router(
    prefix: str, router: Router, *, on_validation_error=None, on_http_error=None
) -> None:
    """How an app adds its routes under /api/v1/<prefix> (from its AppConfig.ready()), with
    the error answers of its own routes; the other routes keep ninja's defaults. Called twice
    (ready() may run again in tests), it changes nothing."""
    path = f"/api/v1/{prefix.strip('/')}/"
    if path in _ERROR_HANDLERS:
        return
    api.add_router(f"/{prefix.strip('/')}/", router)
    _ERROR_HANDLERS[path] = (on_validation_error, on_http_error)


class HealthOut(Schema):
    status: str
    database: str
    time: str


@api.get("/health", response=HealthOut, tags=["sistema"], summary="Stato del servizio")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception:  # a health check reports, it does not raise
        database = "error"
    return {
        "status": "ok" if database == "ok" else "degraded",
        "database": database,
        "time": timezone.now().isoformat(),
    }


class WhoAmIOut(Schema):
    organization_id: int
    organization: str
    organization_kind: str
    token_name: str


@api.get(
    "/whoami",
    response={200: WhoAmIOut, 401: ErrorOut},
    auth=DeviceTokenAuth(),
    tags=["sistema"],
    summary="Organizzazione del token",
)
def whoami(request):
    token = request.auth
    return {
        "organization_id": token.organization_id,
        "organization": token.organization.name,
        "organization_kind": token.organization.kind,
        "token_name": token.name,
    }
