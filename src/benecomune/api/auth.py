"""Token authentication: `Authorization: Bearer bc_...` for devices and integrations (an
organisation's token), `Bearer bcp_...` for a citizen's app (the citizen's own token)."""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from benecomune.core.models import ApiToken, CitizenToken
from benecomune.core.services.tokens import (
    authenticate_citizen_token,
    authenticate_token,
    is_citizen_token,
)


def _bearer(request) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else ""


def resolve_api_token(request) -> ApiToken | None:
    """Read and check a device's bearer token once per request (TenantScopeMiddleware calls
    it); a citizen's token is not one (None, no query)."""
    if hasattr(request, "api_token"):
        return request.api_token
    clear = _bearer(request)
    token = authenticate_token(clear) if clear and not is_citizen_token(clear) else None
    request.api_token = token
    return token


def resolve_citizen_token(request) -> CitizenToken | None:
    """Read and check a citizen's bearer token once per request (TenantScopeMiddleware)."""
    if hasattr(request, "citizen_token"):
        return request.citizen_token
    clear = _bearer(request)
    token = authenticate_citizen_token(clear) if clear else None
    request.citizen_token = token
    return token


class DeviceTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        return resolve_api_token(request)

    def __call__(self, request):
        result = super().__call__(request)
        if result is None:
            request.auth_error = _("Token mancante, non valido o revocato.")
        return result


class CitizenTokenAuth(HttpBearer):
    """A citizen's own token: `request.auth` is the token (its user and person loaded)."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        return resolve_citizen_token(request)
