"""Which digital identity (issuer and subject of the OIDC provider) belongs to which user.

The person is found by the codice fiscale of the claims; this link only lets a later login
check that the same identity still names the same person (a provider that changed its mind
about a subject is refused, never silently moved to another person)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginMethod(models.TextChoices):
    SPID = "spid", _("SPID")
    CIE = "cie", _("CIE")


class DigitalIdentity(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente"),
        on_delete=models.CASCADE,
        related_name="digital_identities",
    )
    issuer = models.CharField(_("gestore dell'identità"), max_length=255)
    subject = models.CharField(_("identificativo presso il gestore"), max_length=255)
    method = models.CharField(_("metodo"), max_length=8, choices=LoginMethod.choices)
    last_acr = models.CharField(_("ultimo livello di autenticazione"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(_("ultimo accesso"), null=True, blank=True)

    class Meta:
        verbose_name = _("identità digitale")
        verbose_name_plural = _("identità digitali")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="unique_digital_identity")
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} — {self.user}"
