"""Token authentication for devices and integrations: `Authorization: Bearer bc_...`."""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from benecomune.core.models import ApiToken
from benecomune.core.services.tokens import authenticate_token


def resolve_api_token(request) -> ApiToken | None:
    """Read and check the bearer token once per request (TenantScopeMiddleware calls it)."""
    if hasattr(request, "api_token"):
        return request.api_token
    header = request.headers.get("Authorization", "")
    token = None
    if header.lower().startswith("bearer "):
        token = authenticate_token(header[7:].strip())
    request.api_token = token
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
