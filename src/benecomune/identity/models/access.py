"""The access log: every time staff open a person's file, application, case or document.

Append-only like the audit: rows are written by `identity.access` only, never changed or
deleted (the model refuses it and database triggers refuse it too). The tenant is the Comune
that holds the data (the person's Comune of residence, the application's Comune), so that
Comune's data protection contact sees every access to it, whoever made it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class AccessLogImmutableError(Exception):
    pass


class AccessLogEntry(models.Model):
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chi"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("con il ruolo"), max_length=30)
    # The organisation the viewer acted for (their role's).
    actor_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("per conto di"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The tenant: the Comune that holds the data seen.
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("Comune titolare dei dati"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the (organization, created_at) index serves it
    )
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("persona interessata"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("che cosa"), max_length=40)
    object_type = models.CharField(_("tipo di oggetto"), max_length=80)
    object_id = models.CharField(_("identificativo"), max_length=64)
    view_name = models.CharField(_("pagina"), max_length=100)
    reason = models.CharField(_("motivo"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("indirizzo IP"), null=True, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("accesso ai dati personali")
        verbose_name_plural = _("accessi ai dati personali")
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects_unscoped"
        indexes = [
            models.Index(fields=["organization", "created_at"]),
            models.Index(fields=["person", "created_at"]),
            models.Index(fields=["user", "person", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.kind} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AccessLogImmutableError("access log entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogImmutableError("access log entries cannot be deleted")
