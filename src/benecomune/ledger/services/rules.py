"""A wallet's spending rules: checked on every payment (through its source's spending policy,
ledger/spending.py), and told in plain Italian."""

from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from benecomune.core.models import Provider
from benecomune.ledger import spending
from benecomune.ledger.exceptions import NotSpendable, TransferNotAllowed
from benecomune.ledger.models import Account, Wallet

# The helpers moved to ledger/spending.py; the old names stay for existing imports.
_day = spending.day_of
_date = spending.date_text
_categories_text = spending.categories_text
_territory_ids = spending.territory_ids


def check_spendable(
    wallet: Wallet, provider: Provider, amount: int | None = None, at=None
) -> str | None:
    """None when `wallet` may pay `provider` on `at` (default today); otherwise why not, in
    Italian for the citizen and the merchant. The balance is checked by the transfer.
    The rules are the wallet source's spending policy (ledger/spending.py)."""
    return spending.refusal(wallet, provider, amount, at)


def require_spendable(
    debit: Account, credit: Account, amount: int, at, *, wallet=None, merchant=None
) -> None:
    wallet = wallet if wallet is not None else Wallet.objects_unscoped.get(account_id=debit.pk)
    if merchant is None:
        merchant = Provider.objects.select_related("municipality").get(pk=credit.organization_id)
    if wallet.account_id != debit.pk or merchant.pk != credit.organization_id:
        raise TransferNotAllowed(_("Buono o esercente non corrispondono ai conti."))
    reason = check_spendable(wallet, merchant, amount, at)
    if reason:
        raise NotSpendable(reason)


def require_creditable(account: Account, at, *, wallet=None) -> None:
    """An expired wallet receives no new money (it would be swept back at once)."""
    wallet = wallet if wallet is not None else Wallet.objects_unscoped.get(account_id=account.pk)
    day = _day(at)
    if wallet.expired_at is not None or (wallet.valid_until and day > wallet.valid_until):
        raise NotSpendable(_("Il buono è scaduto: non può ricevere altre somme."))


def rules_text(wallet: Wallet) -> str:
    """E.g. "Spendibile fino al 31 dicembre 2026 presso: alimentari e farmacia, nei Comuni di
    Piazzola sul Brenta e Limena. Non è trasferibile e non si converte in denaro."."""
    parts = []
    if wallet.valid_from and wallet.valid_from > timezone.localdate():
        parts.append(_("dal %(date)s") % {"date": _date(wallet.valid_from)})
    if wallet.valid_until:
        parts.append(_("fino al %(date)s") % {"date": _date(wallet.valid_until)})
    if wallet.allowed_categories:
        parts.append(
            _("presso: %(categories)s")
            % {"categories": _categories_text(wallet.allowed_categories)}
        )
    else:
        parts.append(_("presso qualsiasi esercente aderente"))
    names = sorted(m.name for m in wallet.territory_municipalities.all())
    if names:
        parts.append(
            (_("nel Comune di %(names)s") if len(names) == 1 else _("nei Comuni di %(names)s"))
            % {"names": get_text_list(names, _("e"))}
        )
    elif wallet.territory_network_id:
        parts.append(
            _("nei Comuni della rete %(network)s") % {"network": wallet.territory_network.name}
        )
    text = _("Spendibile %(rules)s.") % {"rules": ", ".join(str(p) for p in parts)}
    if wallet.nominative:
        text += " " + _("Non è trasferibile e non si converte in denaro.")
    return text
