"""SPID/CIE through OpenID Connect: the configuration, read from settings (the environment),
and the provider's metadata, discovered from the issuer once and kept in the cache.

The platform is a plain OIDC client of an identity proxy that fronts SPID and CIE
(docs/identity.md). Nothing here holds a token or a claim: see oidc_client.py for the
exchange and services/login.py for what a login does.
"""

import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

METHODS = ("spid", "cie")
METADATA_CACHE_SECONDS = 3600
# "https://www.spid.gov.it/SpidL2", "SpidL2", "CieL3", "L2": the level is the last digit.
_LEVEL = re.compile(r"(?:spid|cie)?l([1-3])$", re.IGNORECASE)


class ProviderUnavailable(Exception):
    """The identity provider's metadata could not be read (down, or not an OIDC issuer)."""


def is_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def enabled_methods() -> list[str]:
    if not is_enabled():
        return []
    return [method for method in settings.OIDC_BUTTONS if method in METHODS]


def level_of(acr: str | None) -> int:
    """The SPID/CIE level (1-3) of an acr value; 0 when unknown."""
    if not acr:
        return 0
    match = _LEVEL.search(acr.strip().rstrip("/").rsplit("/", 1)[-1])
    return int(match.group(1)) if match else 0


def staff_min_level() -> int:
    """The level at which staff skip TOTP; 0: never (TOTP as without SPID/CIE)."""
    return level_of(settings.OIDC_STAFF_MIN_LEVEL)


def extra_params(method: str) -> dict[str, str]:
    """Authorization parameters: the requested level and the button's own parameters."""
    params = {"ui_locales": "it"}
    if settings.OIDC_ACR_VALUES:
        params["acr_values"] = settings.OIDC_ACR_VALUES
    raw = {"spid": settings.OIDC_SPID_EXTRA_PARAMS, "cie": settings.OIDC_CIE_EXTRA_PARAMS}
    params.update(parse_qsl(raw.get(method, ""), keep_blank_values=False))
    return params


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


def _cache_key(issuer: str) -> str:
    return f"identity:oidc:metadata:{issuer}"


def provider_metadata() -> ProviderMetadata:
    """The issuer's discovery document (/.well-known/openid-configuration), cached.

    The document's `issuer` must be the configured one exactly (OIDC Discovery, section 4.3):
    otherwise tokens could be taken from another provider.
    """
    issuer = settings.OIDC_ISSUER
    cached = cache.get(_cache_key(issuer))
    if cached is not None:
        return ProviderMetadata(**cached)
    url = f"{issuer}/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        logger.warning("OIDC discovery failed for the configured issuer: %s", type(exc).__name__)
        raise ProviderUnavailable from exc
    if document.get("issuer", "").rstrip("/") != issuer:
        logger.warning("OIDC discovery: the document names another issuer; refused")
        raise ProviderUnavailable
    try:
        data = {
            "issuer": issuer,
            "authorization_endpoint": document["authorization_endpoint"],
            "token_endpoint": document["token_endpoint"],
            "jwks_uri": document["jwks_uri"],
            "userinfo_endpoint": document.get("userinfo_endpoint", ""),
            "end_session_endpoint": document.get("end_session_endpoint", ""),
        }
    except KeyError as exc:
        logger.warning("OIDC discovery: the document lacks %s", exc)
        raise ProviderUnavailable from exc
    cache.set(_cache_key(issuer), data, METADATA_CACHE_SECONDS)
    return ProviderMetadata(**data)


def forget_provider_metadata() -> None:
    cache.delete(_cache_key(settings.OIDC_ISSUER))
