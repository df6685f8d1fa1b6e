"""How the audit page names the ledger's objects: from the event's own values (the action
gives the kind, `after` the amount), so rows written before the Italian names read the same."""

from django.utils.translation import gettext as _

from benecomune.ledger.money import format_euro

# Keys of audit before/after dicts that hold euro cents, wherever an app writes them.
MONEY_KEYS = (
    "amount",
    "total",
    "paid",
    "requested",
    "open",
    "released",
    "consumed",
    "awarded",
    "balance",
    "balance_after",
    "cost",
    "funded_cost",
    # Other apps' amounts: payments, orders, payouts, the companies' plans.
    "captured",
    "refunded",
    "received",
    "price",
    "accepted",
    "claimed",
    "difference",
    "funding",
    "funded_total",
    "exempt",
    "taxable",
    "returned",
    "carried",
    "need",
    "bonus",
    "online",
    "at_provider",
    "wallets",
    "by_municipality",
)


def _amount(event):
    amount = (event.after or {}).get("amount")
    return amount if type(amount) is int else None


def transfer(event) -> str:
    amount = _amount(event)
    if amount is None:
        return _("Movimento n. %(pk)s") % {"pk": event.object_id}
    return _("Movimento n. %(pk)s di %(amount)s") % {
        "pk": event.object_id,
        "amount": format_euro(amount),
    }


def reservation(event) -> str:
    amount = _amount(event)
    if amount is None:
        return _("Prenotazione n. %(pk)s") % {"pk": event.object_id}
    return _("Prenotazione n. %(pk)s di %(amount)s") % {
        "pk": event.object_id,
        "amount": format_euro(amount),
    }
