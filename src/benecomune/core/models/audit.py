"""Append-only audit trail. Rows are written in the same transaction as the change they record
and are never updated or deleted: the model refuses it and database triggers refuse it too."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class AuditImmutableError(Exception):
    pass


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("quando"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("con il ruolo"), max_length=30, blank=True)
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("organizzazione"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (organization, created_at) index below serves it
    )
    # Not indexed: every lookup by action also filters by object (indexed below).
    action = models.CharField(_("azione"), max_length=80)
    object_type = models.CharField(_("tipo di oggetto"), max_length=80, blank=True)
    object_id = models.CharField(_("identificativo"), max_length=64, blank=True)
    object_repr = models.CharField(_("oggetto"), max_length=200, blank=True)
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("persona interessata"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    before = models.JSONField(_("prima"), null=True, blank=True)
    after = models.JSONField(_("dopo"), null=True, blank=True)
    reason = models.TextField(_("motivo"), blank=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("evento di audit")
        verbose_name_plural = _("eventi di audit")
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects_unscoped"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["organization", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditImmutableError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditImmutableError("audit events cannot be deleted")
