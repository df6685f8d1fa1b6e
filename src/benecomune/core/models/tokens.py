"""API tokens, stored as a hash, revocable; the clear token is shown once, at creation.

- `ApiToken`: a device or an integration, scoped to one organisation (`bc_...`);
- `CitizenToken`: a citizen's own token for an app acting for them (the Comune's app, a booking
  site), bound to the user and never to an organisation (`bcp_...`): its calls run as the
  citizen, in the scope of their Comune's network, as the personal area's pages do."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

TOKEN_PREFIX_LENGTH = 8


def hash_token(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


CITIZEN_TOKEN_MARK = "bcp_"  # noqa: S105 (the mark of the kind, not a secret)


def new_clear_token(mark: str = "bc_") -> str:
    return mark + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("nome del dispositivo o dell'integrazione"), max_length=100)
    prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH + 3, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CitizenToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_tokens"
    )
    name = models.CharField(_("nome dell'app"), max_length=100)
    prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH + 4, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token API del cittadino")
        verbose_name_plural = _("token API dei cittadini")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
