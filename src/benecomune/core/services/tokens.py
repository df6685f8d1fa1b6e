"""API tokens for devices (tills) and integrations."""

import time

from django.db import transaction
from django.utils import timezone

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import ApiToken, Organization
from benecomune.core.models.tokens import TOKEN_PREFIX_LENGTH, hash_token, new_clear_token


@transaction.atomic
def create_api_token(actor: Actor, organization: Organization, name: str) -> tuple[ApiToken, str]:
    """Return the token and its clear value, which is shown once and never stored."""
    actor.require("tokens.manage", organization)
    clear = new_clear_token()
    token = ApiToken.objects_unscoped.create(
        organization=organization,
        name=name.strip()[:100],
        prefix=clear[: TOKEN_PREFIX_LENGTH + 3],
        key_hash=hash_token(clear),
        created_by=actor.user,
    )
    audit.record(
        actor,
        "api_token.created",
        token,
        organization=organization,
        after={"name": token.name, "prefix": token.prefix},
    )
    return token, clear


@transaction.atomic
def revoke_api_token(actor: Actor, token: ApiToken, reason: str = "") -> ApiToken:
    actor.require("tokens.manage", token.organization_id)
    token = ApiToken.objects_unscoped.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        clear_token_cache()  # now, and again once committed (a request may re-cache it meanwhile)
        transaction.on_commit(clear_token_cache)
        audit.record(
            actor, "api_token.revoked", token, organization=token.organization, reason=reason
        )
    return token


# Valid tokens are kept in the process for TOKEN_CACHE_SECONDS, so a busy till costs no query
# per call. Revoking clears this process's cache at once; other worker processes stop accepting
# the token within TOKEN_CACHE_SECONDS.
TOKEN_CACHE_SECONDS = 60
# How stale `last_used_at` may be (shown to the organisation as the day and time of last use).
TOUCH_SECONDS = 300
_TOKEN_CACHE_MAX = 10_000
_token_cache: dict[str, tuple[float, ApiToken]] = {}


def clear_token_cache() -> None:
    _token_cache.clear()


def authenticate_token(clear: str) -> ApiToken | None:
    key_hash = hash_token(clear)
    hit = _token_cache.get(key_hash)
    if hit is not None and hit[0] > time.monotonic():
        token = hit[1]
    else:
        token = (
            ApiToken.objects_unscoped.select_related("organization")
            .filter(key_hash=key_hash, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            return None
        if len(_token_cache) >= _TOKEN_CACHE_MAX:
            _token_cache.clear()
        _token_cache[key_hash] = (time.monotonic() + TOKEN_CACHE_SECONDS, token)
    now = timezone.now()
    # Touch now and then only: a busy till must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_SECONDS:
        ApiToken.objects_unscoped.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
