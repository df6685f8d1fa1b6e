"""API tokens for devices (tills) and integrations."""

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
        audit.record(
            actor, "api_token.revoked", token, organization=token.organization, reason=reason
        )
    return token


def authenticate_token(clear: str) -> ApiToken | None:
    token = (
        ApiToken.objects_unscoped.select_related("organization")
        .filter(key_hash=hash_token(clear), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: a busy till must not write on every call.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects_unscoped.filter(pk=token.pk).update(last_used_at=now)
    return token
