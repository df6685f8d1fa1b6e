"""The public API, /api/v1/. Apps add their routers here."""

from django.db import connection
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError

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
