"""The OIDC exchange, on mozilla-django-oidc: code for tokens (with the PKCE verifier), the ID
token's signature (the provider's JWKS), issuer, audience, expiry and nonce, then userinfo.

The library's backend is used as a client here, not as an authentication backend: a login
must end with our own checks (services/login.py) and Italian messages, and a password login
must never reach a token endpoint. Its audience and issuer are not checked by the library, so
`_verify_jws` is replaced with a stricter decode.

Every failure is an `OidcFailure` with a code (for the log: no token or claim is ever logged)
and an Italian message for the person.
"""

import logging
import secrets
import time

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify

from benecomune.identity.oidc import ProviderMetadata

logger = logging.getLogger(__name__)

CLOCK_LEEWAY_SECONDS = 30

MESSAGES = {
    "state": _(
        "La richiesta di accesso non è valida o è già stata usata (controllo di sicurezza "
        "non superato). Riprovi ad accedere dall'inizio."
    ),
    "expired_request": _(
        "È passato troppo tempo dall'inizio dell'accesso. Riprovi ad accedere dall'inizio."
    ),
    "code": _(
        "Il codice di accesso è scaduto o è già stato usato. Riprovi ad accedere dall'inizio."
    ),
    "token": _(
        "La risposta del gestore dell'identità digitale non è valida (firma, destinatario o "
        "scadenza non corrispondono): per sicurezza l'accesso è stato rifiutato."
    ),
    "unavailable": _(
        "Il servizio di accesso con SPID o CIE non risponde in questo momento. Riprovi più "
        "tardi o entri con e-mail e password."
    ),
    "denied": _("L'accesso con SPID o CIE è stato annullato o non è riuscito. Può riprovare."),
}


class OidcFailure(Exception):
    def __init__(self, code: str, message=None):
        super().__init__(code)
        self.code = code
        self.message = message or MESSAGES[code]


class OidcClient(OIDCAuthenticationBackend):
    """mozilla-django-oidc's token handling, configured from the discovered metadata."""

    def __init__(self, metadata: ProviderMetadata):
        # The library's __init__ reads every endpoint from settings: ours are discovered.
        self.metadata = metadata
        self.OIDC_OP_TOKEN_ENDPOINT = metadata.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = metadata.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = metadata.jwks_uri
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    @staticmethod
    def get_settings(attr, *args):
        from mozilla_django_oidc.utils import import_from_settings

        return import_from_settings(attr, *args)

    def retrieve_matching_jwk(self, token):
        """The library's lookup by `kid`; a token without `kid` (allowed when the provider has
        one key) takes the only key of the JWKS."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(
            self.OIDC_OP_JWKS_ENDPOINT,
            timeout=settings.OIDC_TIMEOUT,
            verify=settings.OIDC_VERIFY_SSL,
        )
        response.raise_for_status()
        keys = response.json().get("keys", [])
        if len(keys) != 1:
            raise SuspiciousOperation("no kid, and not exactly one key")
        return jwt.PyJWK(keys[0])

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("unexpected signing algorithm")
        return decode_id_token(payload, key, self.OIDC_RP_SIGN_ALGO, self.metadata.issuer)

    def exchange(self, request, code: str, nonce: str, code_verifier: str | None) -> dict:
        """The code for tokens, the ID token checked; returns the claims (ID token and
        userinfo) and the raw ID token (kept for the logout's id_token_hint only)."""
        self.request = request
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": absolutify(request, reverse("identity:oidc_callback")),
        }
        if code_verifier:
            payload["code_verifier"] = code_verifier
        if settings.OIDC_CLIENT_PRIVATE_KEY_FILE:
            del payload["client_secret"]
            payload.update(
                client_assertion_type=CLIENT_ASSERTION_TYPE,
                client_assertion=client_assertion(self.OIDC_OP_TOKEN_ENDPOINT),
            )
        try:
            token_info = self.get_token(payload)
        except requests.HTTPError as exc:
            status = getattr(exc.response, "status_code", None)
            raise OidcFailure("code" if status in (400, 401) else "unavailable") from exc
        except (requests.RequestException, ValueError) as exc:
            raise OidcFailure("unavailable") from exc
        id_token = token_info.get("id_token")
        if not id_token:
            raise OidcFailure("token")
        try:
            claims = self.verify_token(id_token, nonce=nonce)
        except (SuspiciousOperation, jwt.PyJWTError, KeyError) as exc:
            raise OidcFailure("token") from exc
        except requests.RequestException as exc:
            raise OidcFailure("unavailable") from exc
        if self.OIDC_OP_USER_ENDPOINT and token_info.get("access_token"):
            try:
                userinfo = self.get_userinfo(token_info["access_token"], id_token, claims)
            except (requests.RequestException, ValueError) as exc:
                raise OidcFailure("unavailable") from exc
            # OIDC Core 5.3.2: userinfo about another subject must not be used.
            if userinfo.get("sub") != claims.get("sub"):
                raise OidcFailure("token")
            claims = {**userinfo, **claims}
        return {"claims": claims, "id_token": id_token}


CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def client_assertion(token_endpoint: str) -> str:
    """private_key_jwt (OIDC Core 9): a short JWT about ourselves, signed with our key."""
    from pathlib import Path

    now = int(time.time())
    key = Path(settings.OIDC_CLIENT_PRIVATE_KEY_FILE).read_bytes()
    headers = {"kid": settings.OIDC_CLIENT_KEY_ID} if settings.OIDC_CLIENT_KEY_ID else None
    claims = {
        "iss": settings.OIDC_CLIENT_ID,
        "sub": settings.OIDC_CLIENT_ID,
        "aud": token_endpoint,
        "jti": secrets.token_urlsafe(24),
        "iat": now,
        "exp": now + 60,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers=headers)


def decode_id_token(token: str, key, algorithm: str, issuer: str) -> dict:
    """Signature, issuer, audience (our client id) and expiry: all required."""
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=settings.OIDC_CLIENT_ID,
            issuer=issuer,
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as exc:
        logger.warning("OIDC ID token refused: %s", type(exc).__name__)
        raise SuspiciousOperation("ID token refused") from exc
