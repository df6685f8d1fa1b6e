"""Accounts: every place money can be. Balances are integer euro cents, credit positive.

`balance` is the *settled* balance. Credits (and the debits of accounts that may go
negative) are appended as `BalanceDelta` rows without touching the account row, so a busy
fund or merchant never becomes a queue; the real balance is `balance + sum(deltas)`. Deltas
are folded into `balance` ("settled") under the account's row lock, when a debit needs them
or by `ledger_settle`. `held` is money reserved on the account (fund budgets); a non-negative
account always keeps `balance >= held >= 0`, enforced by a CHECK constraint as well.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class AccountKind(models.TextChoices):
    FUND = "fund", _("Fondo")
    WALLET = "wallet", _("Borsellino del beneficiario")
    MERCHANT = "merchant", _("Crediti dell'esercente")
    CLEARING = "clearing", _("Conto di transito")
    PAYOUT = "payout", _("Conto dei pagamenti")
    SHARED_VALUE = "shared_value", _("Valore condiviso")
    EXTERNAL = "external", _("Conto esterno")


# Only external accounts (money entering or leaving the platform) go below zero: they are the
# other side of every euro inside, so that all accounts always sum to zero.
NEGATIVE_KINDS = frozenset({AccountKind.EXTERNAL})


class Account(models.Model):
    # The tenant: the Comune issuing a fund or wallet, the merchant owning its receivable.
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("organizzazione"),
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    # The owner when it is a person (wallets).
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=AccountKind.choices)
    name = models.CharField(_("nome"), max_length=200)
    currency = models.CharField(_("valuta"), max_length=3, default="EUR", editable=False)
    allow_negative = models.BooleanField(default=False, editable=False)
    balance = models.BigIntegerField(_("saldo consolidato (centesimi)"), default=0, editable=False)
    held = models.BigIntegerField(_("importo riservato (centesimi)"), default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("conto")
        verbose_name_plural = _("conti")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(condition=Q(currency="EUR"), name="ledger_account_eur"),
            models.CheckConstraint(
                condition=Q(allow_negative=False) | Q(kind=AccountKind.EXTERNAL),
                name="ledger_account_only_external_negative",
            ),
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(held__gte=0, balance__gte=F("held")),
                name="ledger_account_no_overdraft",
            ),
            models.CheckConstraint(
                condition=Q(allow_negative=False) | Q(held=0),
                name="ledger_account_external_no_hold",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(kind=AccountKind.MERCHANT),
                name="ledger_one_receivable_per_merchant",
            ),
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=Q(kind=AccountKind.EXTERNAL),
                name="ledger_unique_external_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if self.pk is None:
            self.allow_negative = self.kind in NEGATIVE_KINDS
        super().save(*args, **kwargs)


class BalanceDelta(models.Model):
    """An amount not yet folded into its account's settled balance (see module doc)."""

    # Indexed once, by the Meta index (a second copy would cost every redemption its upkeep).
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    amount = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["account"], name="ledger_delta_account")]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_delta_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d}"
