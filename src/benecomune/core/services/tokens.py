"""API tokens for devices (tills) and integrations, and citizens' own tokens for their apps."""

import time

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from benecomune.core import audit, shared_counters
from benecomune.core.actors import Actor
from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.models import ApiToken, CitizenToken, Organization
from benecomune.core.models.tokens import (
    CITIZEN_TOKEN_MARK,
    TOKEN_PREFIX_LENGTH,
    hash_token,
    new_clear_token,
)


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
        announce_token_change()
        audit.record(
            actor, "api_token.revoked", token, organization=token.organization, reason=reason
        )
    return token


def announce_token_change() -> None:
    """Make every worker drop its cached tokens: call inside the transaction that revokes
    or deletes a token (the Django admin does too)."""
    shared_counters.store().bump_version(REVOCATION_VERSION_COUNTER)
    transaction.on_commit(clear_token_cache)


# Valid tokens are kept in the process for TOKEN_CACHE_SECONDS, so a busy till costs no
# token query per call. Each entry carries the shared revocation version it was read under
# (a counter in the database or Redis, bumped in the revoking transaction); every call reads
# that version (one primary-key lookup) and an entry read under an older version is read
# again, so a revocation takes effect on every worker with the very next request.
TOKEN_CACHE_SECONDS = 60
REVOCATION_VERSION_COUNTER = "api-tokens:revocation-version"
# How stale `last_used_at` may be (shown to the organisation as the day and time of last use).
TOUCH_SECONDS = 300
_TOKEN_CACHE_MAX = 10_000
_token_cache: dict[str, tuple[float, int, ApiToken]] = {}


def clear_token_cache() -> None:
    _token_cache.clear()


def authenticate_token(clear: str) -> ApiToken | None:
    key_hash = hash_token(clear)
    # Read before the token: a revocation committed after this read bumps past it, so the
    # entry cached below is dropped by the next call.
    version = shared_counters.store().version(REVOCATION_VERSION_COUNTER)
    hit = _token_cache.get(key_hash)
    if hit is not None and hit[0] > time.monotonic() and hit[1] == version:
        token = hit[2]
    else:
        token = (
            ApiToken.objects_unscoped.select_related("organization")
            .filter(key_hash=key_hash, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            _token_cache.pop(key_hash, None)
            return None
        if len(_token_cache) >= _TOKEN_CACHE_MAX:
            _token_cache.clear()
        _token_cache[key_hash] = (time.monotonic() + TOKEN_CACHE_SECONDS, version, token)
    return _touched(token)


def cached_token(clear: str) -> ApiToken | None:
    """The token from this process's cache, WITHOUT reading the shared revocation version:
    only for a caller that checks the token's row in its own statement and calls
    `forget_token` when that check fails (the till's one-statement payment,
    vouchers/services/one_statement.py). None when the token is not cached."""
    hit = _token_cache.get(hash_token(clear))
    if hit is None or hit[0] <= time.monotonic():
        return None
    return _touched(hit[2])


def forget_token(clear: str) -> None:
    """Drop a token from this process's cache: the next call reads it again."""
    _token_cache.pop(hash_token(clear), None)


def _touched(token: ApiToken) -> ApiToken:
    now = timezone.now()
    # Touch now and then only: a busy till must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_SECONDS:
        ApiToken.objects_unscoped.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- citizens' own tokens ------------------------------------------------------------------------


@transaction.atomic
def create_citizen_token(actor: Actor, name: str) -> tuple[CitizenToken, str]:
    """A token for an app acting for the citizen `actor.user` (a registered person): the token
    and its clear value, shown once and never stored."""
    user = actor.user
    if user is None or not user.is_active or user.person_id is None:
        raise PermissionDenied
    clear = new_clear_token(CITIZEN_TOKEN_MARK)
    token = CitizenToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=clear[: TOKEN_PREFIX_LENGTH + 4],
        key_hash=hash_token(clear),
    )
    audit.record(
        actor,
        "citizen_token.created",
        token,
        person=user.person_id,
        after={"name": token.name, "prefix": token.prefix},
    )
    return token, clear


@transaction.atomic
def revoke_citizen_token(actor: Actor, token: CitizenToken, reason: str = "") -> CitizenToken:
    """The citizen (or a platform administrator) revokes it: the next call with it is a 401."""
    if actor.user is None or (actor.user.pk != token.user_id and not actor.user.is_superuser):
        raise PermissionDenied
    token = CitizenToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor,
            "citizen_token.revoked",
            token,
            person=actor.user.person_id if actor.user.pk == token.user_id else None,
            reason=reason,
        )
    return token


def is_citizen_token(clear: str) -> bool:
    return clear.startswith(CITIZEN_TOKEN_MARK)


def _active_citizen_tokens(key_hash: str):
    return CitizenToken.objects.select_related("user__person__residence__network").filter(
        key_hash=key_hash,
        revoked_at__isnull=True,
        user__is_active=True,
        user__person__isnull=False,
    )[:1]  # the key's hash is unique


# Run on every call of a citizen's app: compiled once per connection (core.compiled_queries).
ACTIVE_CITIZEN_TOKEN = CompiledQuery(
    "citizen_token", _active_citizen_tokens, "\x00citizen-token-hash"
)


def authenticate_citizen_token(clear: str) -> CitizenToken | None:
    """The active token of an active user with a person, with the user, the person and their
    Comune loaded (one query; no process cache: a revocation takes effect at once)."""
    if not is_citizen_token(clear):
        return None
    token = first(ACTIVE_CITIZEN_TOKEN, hash_token(clear))
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_SECONDS:
        CitizenToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
