"""A wallet's spending rules: checked on every payment, and told in plain Italian."""

import datetime

from django.utils import formats, timezone
from django.utils.text import get_text_list
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benecomune.core.models import MerchantCategory, Provider
from benecomune.ledger.exceptions import NotSpendable, TransferNotAllowed
from benecomune.ledger.models import Account, Wallet


def _day(at) -> datetime.date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime.datetime):
        return timezone.localdate(at)
    return at


def _date(day: datetime.date) -> str:
    text = formats.date_format(day, "j F Y")
    # Italian writes month names in lower case ("31 dicembre 2026").
    return text.lower() if (get_language() or "").startswith("it") else text


def _territory_ids(wallet: Wallet) -> set[int]:
    # The payment hot path passes wallets with territory_municipalities prefetched: read that
    # cache directly (building the related manager costs more than the check itself).
    prefetched = getattr(wallet, "_prefetched_objects_cache", {}).get("territory_municipalities")
    items = prefetched if prefetched is not None else wallet.territory_municipalities.all()
    return {m.pk for m in items}


def check_spendable(
    wallet: Wallet, provider: Provider, amount: int | None = None, at=None
) -> str | None:
    """None when `wallet` may pay `provider` on `at` (default today); otherwise why not, in
    Italian for the citizen and the merchant. The balance is checked by the transfer."""
    day = _day(at)
    if wallet.expired_at is not None or (wallet.valid_until and day > wallet.valid_until):
        return _("Il buono è scaduto il %(date)s.") % {
            "date": _date(wallet.valid_until or timezone.localdate(wallet.expired_at))
        }
    if wallet.valid_from and day < wallet.valid_from:
        return _("Il buono si può usare dal %(date)s.") % {"date": _date(wallet.valid_from)}
    if not provider.is_active:
        return _("%(merchant)s non è attivo sulla piattaforma.") % {"merchant": provider.name}
    if wallet.allowed_categories and provider.category not in wallet.allowed_categories:
        return _("Questo buono non si può usare per %(category)s: vale per %(allowed)s.") % {
            "category": MerchantCategory(provider.category).label.lower(),
            "allowed": _categories_text(wallet.allowed_categories),
        }
    territory = _territory_ids(wallet)
    if territory and provider.municipality_id not in territory:
        return _("%(merchant)s è fuori dai Comuni in cui vale il buono.") % {
            "merchant": provider.name
        }
    if not territory and wallet.territory_network_id:
        network_id = provider.network_id or (
            provider.municipality.network_id if provider.municipality_id else None
        )
        if network_id != wallet.territory_network_id:
            return _("%(merchant)s è fuori dalla rete di Comuni in cui vale il buono.") % {
                "merchant": provider.name
            }
    return None


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


def _categories_text(values) -> str:
    labels = [MerchantCategory(v).label.lower() for v in values if v in MerchantCategory.values]
    return str(get_text_list(labels, _("e")))


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
