"""Request context: the active role, the second factor for staff, and the tenant scope."""

from django.shortcuts import redirect
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from benecomune.core.actors import Actor
from benecomune.core.models import Organization
from benecomune.core.models.organizations import RESERVED_SLUGS
from benecomune.core.scoping import tenant_scope

ACTIVE_MEMBERSHIP_KEY = "active_membership_id"


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


class ActiveRoleMiddleware:
    """Set request.actor: the user in the role chosen with the role switcher (or citizen)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships = []
        request.actor = None
        if request.path.startswith("/api/"):
            return self.get_response(request)  # devices: a token, never a session role
        user = request.user
        if user.is_authenticated:
            request.memberships = list(
                user.memberships.filter(is_active=True).select_related("organization")
            )
            active_id = request.session.get(ACTIVE_MEMBERSHIP_KEY)
            active = next((m for m in request.memberships if m.pk == active_id), None)
            if active is None and active_id is not None:
                request.session.pop(ACTIVE_MEMBERSHIP_KEY, None)
            request.actor = (
                Actor.for_membership(active, client_ip(request))
                if active
                else Actor(user=user, ip_address=client_ip(request))
            )
        return self.get_response(request)


SECOND_FACTOR_EXEMPT_PREFIXES = (
    "/static/",
    "/media/",
    "/i18n/",
    "/esci/",
    "/verifica/",
    "/privacy/",
    "/accessibilita/",
    "/api/",
)


# Set by a SPID/CIE login at the level that OIDC_STAFF_MIN_LEVEL asks (identity app): that
# login is the staff's second factor, instead of TOTP.
SECOND_FACTOR_BY_IDENTITY_KEY = "second_factor_by_identity"


class StaffSecondFactorMiddleware:
    """Every staff role needs TOTP (or a strong enough SPID/CIE login): until verified, a staff
    user sees only the TOTP pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(SECOND_FACTOR_EXEMPT_PREFIXES):
            return self.get_response(request)
        user = request.user
        if (
            user.is_authenticated
            and (request.memberships or user.is_staff)
            and not user.is_verified()
            and not request.session.get(SECOND_FACTOR_BY_IDENTITY_KEY)
        ):
            return redirect(reverse("core:totp_verify") + f"?next={request.get_full_path()}")
        return self.get_response(request)


class TenantScopeMiddleware:
    """Open the tenant scope for the request, or none at all (tenant queries then raise).

    - the API: the organisation of the device token (set by benecomune.api.auth), or for a
      citizen's token the network of their Comune (as the personal area);
    - the staff area (/gestione/...): the organisations of the active role;
    - public pages under a Comune's or network's slug: that organisation's tenants;
    - Django's admin: platform administrators only, every tenant.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        request.tenant = None
        if (
            path.startswith("/admin/")
            and request.user.is_authenticated
            and request.user.is_superuser
        ):
            with scopes_disabled():
                return self.get_response(request)
        if path.startswith("/api/"):
            from benecomune.api.auth import resolve_api_token, resolve_citizen_token

            token = resolve_api_token(request)
            if token is not None:
                request.tenant = token.organization
                with tenant_scope(token.organization.tenant_ids()):
                    return self.get_response(request)
            citizen = resolve_citizen_token(request)
            if citizen is not None and citizen.user.person.residence_id:
                org = citizen.user.person.residence  # a citizen's app: the personal area's scope
                request.tenant = org
                with tenant_scope(org.network.tenant_ids() if org.network_id else [org.pk]):
                    return self.get_response(request)
            with scope(tenant=[]):
                return self.get_response(request)
        actor = request.actor
        if path.startswith(("/gestione/", "/lavori/")) and actor and actor.membership:
            request.tenant = actor.organization
            with tenant_scope(actor.tenant_ids):
                return self.get_response(request)
        if path.startswith("/area-personale/") and actor and actor.user.person_id:
            person = actor.user.person
            org = person.residence
            request.tenant = org
            network_ids = org.network.tenant_ids() if org.network_id else [org.pk]
            with tenant_scope(network_ids):
                return self.get_response(request)
        slug = path.strip("/").split("/", 1)[0]
        if slug and slug not in RESERVED_SLUGS:
            org = Organization.objects.filter(slug=slug, is_active=True).first()
            if org is not None and org.kind in ("network", "municipality"):
                request.tenant = org
                with tenant_scope(org.tenant_ids()):
                    return self.get_response(request)
        return self.get_response(request)


class LanguageMiddleware:
    """Italian unless the person chose another language with the switch (cookie).

    Unlike Django's LocaleMiddleware the browser's Accept-Language is ignored: a Comune's
    services speak Italian by default, whatever the device's settings.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# C0 control characters (and DEL) never typed in a URL or a search box. PostgreSQL refuses
# NUL in any text ("A string literal cannot contain NUL"): one in a filter was a 500.
_URL_CONTROLS = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r") | {"\x7f"}


def refused_in_url(text: str) -> bool:
    return not _URL_CONTROLS.isdisjoint(text)


def _strings(data):
    """Every key and value of a QueryDict."""
    for key, values in data.lists():
        yield key
        yield from values


def _holds_any(data, forbidden: frozenset) -> bool:
    return any(forbidden.intersection(text) for text in _strings(data))


_NUL = frozenset("\x00")


class RefuseControlCharactersMiddleware:
    """Answer 400 to a request whose path or query string holds a control character, or
    whose form data holds a NUL byte, before any view or filter reaches the database.

    Form data keeps tabs, new lines and other characters pasted into a text area; only NUL,
    which no database text can hold, is refused there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            return self._bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _refused(request) -> bool:
        if refused_in_url(request.path):
            return True
        if request.GET and _holds_any(request.GET, _URL_CONTROLS):
            return True
        return (
            request.method == "POST"
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _holds_any(request.POST, _NUL)
        )

    @staticmethod
    def _bad_request(request):
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.template import loader
        from django.utils.translation import gettext as _

        message = _(
            "L'indirizzo o i dati inviati contengono caratteri non ammessi (caratteri di "
            "controllo): li tolga e riprovi."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "validation_error", "message": message}, status=400)
        return HttpResponseBadRequest(loader.get_template("400.html").render({"message": message}))


def security_headers() -> list[tuple[str, str]]:
    """Content-Security-Policy and Permissions-Policy, from settings (the API's fast path
    sends the same pair)."""
    from django.conf import settings

    headers = []
    if settings.CONTENT_SECURITY_POLICY:
        headers.append(("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY))
    if settings.PERMISSIONS_POLICY:
        headers.append(("Permissions-Policy", settings.PERMISSIONS_POLICY))
    return headers


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer, pages and API alike
    (Django 5.2 sends neither). A view that needs another policy sets its own header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for name, value in security_headers():
            response.headers.setdefault(name, value)
        return response
