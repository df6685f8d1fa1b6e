"""Funds (money with an origin and a legal basis) and budget reservations."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class FundOrigin(models.TextChoices):
    NATIONAL = "national", _("Statale")
    REGIONAL = "regional", _("Regionale")
    MUNICIPAL = "municipal", _("Comunale")
    MIXED = "mixed", _("Misto pubblico-privato")
    PRIVATE = "private", _("Privato")


class Fund(models.Model):
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("titolare"),
        on_delete=models.PROTECT,
        related_name="funds",
    )
    account = models.OneToOneField(
        "ledger.Account", on_delete=models.PROTECT, related_name="fund", editable=False
    )
    name = models.CharField(_("nome"), max_length=200)
    origin = models.CharField(_("origine"), max_length=20, choices=FundOrigin.choices)
    legal_basis = models.TextField(_("base giuridica"), blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    valid_from = models.DateField(_("valido dal"), null=True, blank=True)
    valid_until = models.DateField(_("valido fino al"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("fondo")
        verbose_name_plural = _("fondi")
        ordering = ["name"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return self.name


class Reservation(models.Model):
    """Money set aside on an account (a fund's budget for awards promised, not yet paid).

    Changed only under the account's row lock, together with `Account.held`."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="reservations"
    )
    amount = models.BigIntegerField(_("importo riservato"))
    consumed = models.BigIntegerField(_("importo pagato"), default=0)
    released = models.BigIntegerField(_("importo liberato"), default=0)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(_("motivo"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("prenotazione di budget")
        verbose_name_plural = _("prenotazioni di budget")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, consumed__gte=0, released__gte=0)
                & Q(amount__gte=F("consumed") + F("released")),
                name="ledger_reservation_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount}"

    @property
    def open_amount(self) -> int:
        return self.amount - self.consumed - self.released
