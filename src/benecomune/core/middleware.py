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


class StaffSecondFactorMiddleware:
    """Every staff role needs TOTP: until verified, a staff user sees only the TOTP pages."""

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
        ):
            return redirect(reverse("core:totp_verify") + f"?next={request.get_full_path()}")
        return self.get_response(request)


class TenantScopeMiddleware:
    """Open the tenant scope for the request, or none at all (tenant queries then raise).

    - the API: the organisation of the device token (set by benecomune.api.auth);
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
            from benecomune.api.auth import resolve_api_token

            token = resolve_api_token(request)
            if token is not None:
                request.tenant = token.organization
                with tenant_scope(token.organization.tenant_ids()):
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
