"""Rankings (graduatorie), awards (the benefit granted) and the demo ISEE registry."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class RankingKind(models.TextChoices):
    PROVISIONAL = "provisional", _("Provvisoria")
    FINAL = "final", _("Definitiva")


class Ranking(models.Model):
    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="rankings")
    kind = models.CharField(_("tipo"), max_length=20, choices=RankingKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    complete = models.BooleanField(default=False)
    entries_count = models.PositiveIntegerField(default=0)
    funded_count = models.PositiveIntegerField(default=0)
    funded_total = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("graduatoria")
        verbose_name_plural = _("graduatorie")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["call", "kind"], name="calls_one_ranking_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.get_kind_display()}"


class RankingEntry(models.Model):
    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey(
        "calls.Application", on_delete=models.PROTECT, related_name="ranking_entries"
    )
    position = models.PositiveIntegerField(_("posizione"))
    score = models.IntegerField(_("punteggio"))
    amount = models.BigIntegerField(_("importo spettante"))
    funded = models.BooleanField(_("finanziata"))

    class Meta:
        verbose_name = _("posizione in graduatoria")
        verbose_name_plural = _("posizioni in graduatoria")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "position"], name="calls_rank_position"),
            models.UniqueConstraint(
                fields=["ranking", "application"], name="calls_rank_application"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.application_id}"


class AwardStatus(models.TextChoices):
    ACTIVE = "active", _("Assegnato")
    REVOKED = "revoked", _("Revocato")


class Award(models.Model):
    """The benefit granted to an application: a wallet credit (voucher, service) or an
    entitlement to reimbursements up to `amount` (paid by claims from the call's reservation)."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="awards")
    application = models.OneToOneField(
        "calls.Application", on_delete=models.PROTECT, related_name="award"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("beneficiario"), on_delete=models.PROTECT, related_name="+"
    )
    benefit_type = models.CharField(_("tipo di beneficio"), max_length=20)
    amount = models.BigIntegerField(_("importo assegnato"))
    wallet = models.OneToOneField(
        "ledger.Wallet", null=True, blank=True, on_delete=models.PROTECT, related_name="award"
    )
    status = models.CharField(max_length=20, choices=AwardStatus.choices, default="active")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("assegnazione")
        verbose_name_plural = _("assegnazioni")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="calls_award_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.call_id}/{self.application_id}"


class CallReservation(models.Model):
    """The one ledger reservation that covers all awards of a call (see calls.services.award)."""

    call = models.OneToOneField(
        "calls.Call", on_delete=models.PROTECT, related_name="budget_reservation"
    )
    reservation = models.OneToOneField(
        "ledger.Reservation", on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.call_id}:{self.reservation_id}"


class IseeRecord(models.Model):
    """The local stand-in for INPS's ISEE database (used by the demo/test ISEE adapter until the
    platform is connected to INPS through PDND). Keyed by the declarant's codice fiscale."""

    fiscal_code = models.CharField(_("codice fiscale del dichiarante"), max_length=16)
    value = models.BigIntegerField(_("valore ISEE"))
    protocol = models.CharField(_("protocollo DSU"), max_length=40, unique=True)
    issued_on = models.DateField(_("data di rilascio"))
    members = models.JSONField(_("codici fiscali del nucleo"), default=list)

    class Meta:
        verbose_name = _("attestazione ISEE")
        verbose_name_plural = _("attestazioni ISEE")
        indexes = [models.Index(fields=["fiscal_code", "issued_on"])]

    def __str__(self) -> str:
        return self.protocol
