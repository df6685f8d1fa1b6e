"""Transfers and their entries: the immutable history of every movement of money.

A transfer debits one account and credits another by the same positive amount; it writes two
entries (-amount on the debit account, +amount on the credit account), so the entries of the
whole ledger always sum to zero. Neither is ever changed or deleted: a correction is a new
reversing transfer (`reversal_of`, at most one per transfer). Database triggers refuse UPDATE
(and DELETE on PostgreSQL) as well. A REFUND gives back part or all of a payment (or of the
top-up that brought own money in) the way it came; it names the transfer it gives back as its
object (`object_type = "ledger.transfer"`), see services/refunds.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class LedgerImmutableError(Exception):
    pass


class TransferKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contributo al fondo")
    AWARD = "award", _("Assegnazione")
    TOP_UP = "top_up", _("Ricarica")
    PAYMENT = "payment", _("Pagamento")
    EXPIRY = "expiry", _("Restituzione per scadenza")
    SETTLEMENT = "settlement", _("Liquidazione")
    PAYOUT = "payout", _("Bonifico in uscita")
    REIMBURSEMENT = "reimbursement", _("Rimborso")
    SHARED_VALUE = "shared_value", _("Quota di valore condiviso")
    REVERSAL = "reversal", _("Storno")
    # "Rimborso" alone is REIMBURSEMENT (an expense claim paid from a fund).
    REFUND = "refund", _("Rimborso di un pagamento")


# A REFUND names the transfer it gives back as its object: this type, and the original's id.
REFUND_OBJECT = "ledger.transfer"


class _Immutable(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise LedgerImmutableError("ledger rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutableError("ledger rows cannot be deleted")


class Transfer(_Immutable):
    # Client-supplied (or generated) key: a retry with the same key moves nothing. Unique by a
    # Meta constraint rather than unique=True, which on PostgreSQL would add a second
    # (LIKE) index that no query uses and every transfer pays for.
    idempotency_key = models.CharField(_("chiave di idempotenza"), max_length=100)
    kind = models.CharField(_("tipo"), max_length=20, choices=TransferKind.choices)
    debit_account = models.ForeignKey(
        "ledger.Account",
        verbose_name=_("addebitato"),
        on_delete=models.PROTECT,
        related_name="debits",
    )
    credit_account = models.ForeignKey(
        "ledger.Account",
        verbose_name=_("accreditato"),
        on_delete=models.PROTECT,
        related_name="credits",
    )
    amount = models.BigIntegerField(_("importo (centesimi)"))
    # The business object this movement belongs to (an award, a voucher redemption, ...).
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    memo = models.CharField(_("causale"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(max_length=40, blank=True)
    reservation = models.ForeignKey(
        "ledger.Reservation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    reversal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    created_at = models.DateTimeField(_("quando"), db_index=True)

    # Reached through scoped accounts and entries; transfers span two tenants.
    objects = models.Manager()
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("movimento")
        verbose_name_plural = _("movimenti")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="ledger_transfer_unique_idempotency_key"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(debit_account=F("credit_account")),
                name="ledger_transfer_two_accounts",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reversal_of__isnull=False)
                | (~Q(kind="reversal") & Q(reversal_of__isnull=True)),
                name="ledger_reversal_has_original",
            ),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.amount}"


class Entry(_Immutable):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    # Served by the statement index, which starts with the account.
    account = models.ForeignKey(
        "ledger.Account", on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    amount = models.BigIntegerField(_("importo (centesimi)"))  # credit +, debit -
    created_at = models.DateTimeField(_("quando"))

    objects = ScopedManager(tenant="account__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("scrittura")
        verbose_name_plural = _("scritture")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_entry_nonzero"),
        ]
        indexes = [
            models.Index(fields=["account", "created_at", "id"], name="ledger_entry_statement")
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"
