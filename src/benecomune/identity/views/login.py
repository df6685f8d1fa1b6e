"""SPID/CIE login pages: the start (to the provider, with state, nonce and PKCE S256) and the
return (checks, then services/login.py). Every failure goes back to the login page with an
Italian message; the log gets a failure code only (never a token, a claim or a code)."""

import logging
import time
from urllib.parse import parse_qs, urlparse

from django.conf import settings
from django.contrib import auth, messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from benecomune.core.middleware import SECOND_FACTOR_BY_IDENTITY_KEY, client_ip
from benecomune.core.views.account import choose_initial_role
from benecomune.identity import oidc
from benecomune.identity.oidc_client import OidcClient, OidcFailure
from benecomune.identity.services.login import LoginRefused, sign_in_with_identity

logger = logging.getLogger(__name__)

# An authorization request older than this is refused on return (the person starts again).
REQUEST_MAX_AGE_SECONDS = 15 * 60
# The session keys of a SPID/CIE login: the level (shown and checked), the ID token (for the
# provider's logout only) and which button started each pending request.
LOGIN_LEVEL_KEY = "identity_login"
ID_TOKEN_KEY = "identity_id_token"  # noqa: S105 - a session key, not a secret
PENDING_METHODS_KEY = "identity_pending_methods"
# The session key of the authentication backend that reloads the user on each request: the
# user model's own (ModelBackend's get_user); the OIDC client is not a backend.
SESSION_BACKEND = "benecomune.core.auth.EmailBackend"


def _require_enabled():
    if not oidc.is_enabled():
        raise Http404


class StartView(OIDCAuthenticationRequestView):
    """mozilla-django-oidc's authorization request, on the discovered endpoint."""

    def __init__(self, *args, **kwargs):  # the library reads endpoints from settings here
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    OWN_SETTINGS = {
        "OIDC_USE_PKCE": True,
        "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
        "OIDC_USE_NONCE": True,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "identity:oidc_callback",
    }

    def get_settings(self, attr, *args):
        if attr in self.OWN_SETTINGS:
            return self.OWN_SETTINGS[attr]
        if attr == "OIDC_RP_SCOPES":
            return settings.OIDC_SCOPES
        return import_from_settings(attr, *args)

    def get_extra_params(self, request):
        return oidc.extra_params(self.method)

    def get(self, request, method):
        _require_enabled()
        if method not in oidc.enabled_methods():
            raise Http404
        try:
            metadata = oidc.provider_metadata()
        except oidc.ProviderUnavailable:
            return _failed(request, OidcFailure("unavailable"))
        self.method = method
        self.OIDC_OP_AUTH_ENDPOINT = metadata.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        response = super().get(request)
        state = parse_qs(urlparse(response["Location"]).query)["state"][0]
        pending = request.session.get(PENDING_METHODS_KEY, {})
        pending[state] = method
        request.session[PENDING_METHODS_KEY] = dict(list(pending.items())[-20:])
        return response


start = never_cache(StartView.as_view())


def _failed(request, failure):
    logger.warning("SPID/CIE login refused: %s", failure.code)
    messages.error(request, failure.message)
    return redirect("core:login")


@never_cache
def callback(request):
    """The provider's return: state, then the code exchange and the ID token, then the
    person (services/login.py), then the session."""
    _require_enabled()
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states") or {}
    pending = states.pop(state, None) if state else None
    method = request.session.get(PENDING_METHODS_KEY, {}).pop(state, "spid")
    request.session["oidc_states"] = states  # used once, whatever happens next
    request.session.modified = True
    if request.GET.get("error"):
        return _failed(request, OidcFailure("denied"))
    if pending is None or not request.GET.get("code"):
        return _failed(request, OidcFailure("state"))
    if time.time() - pending.get("added_on", 0) > REQUEST_MAX_AGE_SECONDS:
        return _failed(request, OidcFailure("expired_request"))
    try:
        metadata = oidc.provider_metadata()
        result = OidcClient(metadata).exchange(
            request, request.GET["code"], pending["nonce"], pending.get("code_verifier")
        )
        login = sign_in_with_identity(
            claims=result["claims"], issuer=metadata.issuer, method=method, ip=client_ip(request)
        )
    except oidc.ProviderUnavailable:
        return _failed(request, OidcFailure("unavailable"))
    except (OidcFailure, LoginRefused) as failure:
        return _failed(request, failure)
    next_url = request.session.pop("oidc_login_next", None)
    auth.login(request, login.user, backend=SESSION_BACKEND)  # a new session
    request.session[LOGIN_LEVEL_KEY] = {
        "method": login.method,
        "acr": login.acr,
        "level": login.level,
    }
    request.session[ID_TOKEN_KEY] = result["id_token"]
    minimum = oidc.staff_min_level()
    if minimum and login.level >= minimum:
        request.session[SECOND_FACTOR_BY_IDENTITY_KEY] = login.method
    show_switcher = choose_initial_role(request, login.user)
    if show_switcher and not next_url:
        return redirect("core:switch_role")
    return redirect(next_url or reverse(settings.LOGIN_REDIRECT_URL))


def provider_logout_url(request) -> str | None:
    """The provider's end-session address for this session (RP-initiated logout), or None.
    Read before the session is flushed (core's logout view asks through the signal)."""
    id_token = request.session.get(ID_TOKEN_KEY)
    if not id_token or not oidc.is_enabled():
        return None
    if not (request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME")):
        return None  # not a browser's request (Django's test client logging out)
    try:
        endpoint = oidc.provider_metadata().end_session_endpoint
    except oidc.ProviderUnavailable:
        return None
    if not endpoint:
        return None
    from urllib.parse import urlencode

    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("core:home")),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def remember_provider_logout(sender, request, user, **kwargs):
    """user_logged_out receiver (apps.py): core's logout view then ends at the provider."""
    if request is not None:
        request.provider_logout_url = provider_logout_url(request)
