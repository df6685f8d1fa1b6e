"""A referral from a case to a provider (optionally one of its services), a Comune office or
another Welfare Point: the reason, the minimum data shared, the consent it rests on and a
follow-up date; the receiving side accepts or declines it and completes it with an outcome."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class ReferralTarget(models.TextChoices):
    PROVIDER = "provider", _("Fornitore di servizi")
    OFFICE = "office", _("Ufficio del Comune")
    POINT = "point", _("Altro Punto Welfare")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("In attesa di risposta")
    ACCEPTED = "accepted", _("Accettata")
    DECLINED = "declined", _("Rifiutata")
    COMPLETED = "completed", _("Conclusa")


# A referral still waiting for the receiving side's work (overdue past its follow-up date).
OPEN_REFERRAL = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)


class Referral(models.Model):
    case = models.ForeignKey("desk.Case", on_delete=models.PROTECT, related_name="referrals")
    # The sending case's organisation: the tenant (the receiving side reads through
    # `to_organization`, with its own explicit filter).
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    target = models.CharField(_("destinatario"), max_length=20, choices=ReferralTarget.choices)
    to_organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("ente destinatario"),
        on_delete=models.PROTECT,
        related_name="received_referrals",
    )
    to_service = models.ForeignKey(
        "marketplace.Service",
        verbose_name=_("servizio"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_point = models.ForeignKey(
        "desk.WelfarePoint",
        verbose_name=_("Punto Welfare destinatario"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_referrals",
    )
    reason = models.TextField(_("motivo della segnalazione"))
    shared_data = models.TextField(
        _("dati condivisi"),
        help_text=_("Solo i dati necessari al destinatario (minimizzazione, art. 5 GDPR)."),
    )
    consent = models.ForeignKey(
        "desk.CaseConsent",
        verbose_name=_("consenso"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    follow_up_on = models.DateField(_("data di verifica"))
    status = models.CharField(
        _("stato"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    answer_note = models.TextField(_("risposta"), blank=True)
    outcome = models.TextField(_("esito"), blank=True)
    sent_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    answered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")
        ordering = ["-sent_at"]
        base_manager_name = "objects_unscoped"
        indexes = [
            models.Index(fields=["to_organization", "status"], name="desk_referral_to_status"),
            models.Index(fields=["status", "follow_up_on"], name="desk_referral_follow_up"),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_organization}"

    @property
    def receiver_label(self) -> str:
        if self.to_point_id:
            return str(self.to_point)
        if self.to_service_id:
            return f"{self.to_organization} — {self.to_service.title}"
        return str(self.to_organization)

    @property
    def is_overdue(self) -> bool:
        return self.status in OPEN_REFERRAL and self.follow_up_on < timezone.localdate()
