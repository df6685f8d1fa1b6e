"""Cards on the role home pages. Each returns a dict for the home template, or None."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.ledger.models import Account, AccountKind
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.statements import with_balances


def citizen_wallets(request):
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        return None
    # Own wallets only, whoever issued them: filtered by the person, not by a tenant.
    # What can be spent now: holds of bookings and orders in progress are not.
    rows = with_balances(
        Account.objects_unscoped.filter(person_id=person_id, kind=AccountKind.WALLET)
    ).values_list("current_balance", "held")
    balances = [current - held for current, held in rows]
    if not balances:
        text = _("Qui troverà i buoni e i contributi che le saranno assegnati.")
    else:
        text = ngettext(
            "Un buono, con %(total)s da spendere.",
            "%(count)s buoni, in tutto %(total)s da spendere.",
            len(balances),
        ) % {"count": len(balances), "total": format_euro(sum(balances))}
    return {
        "title": _("I miei buoni"),
        "text": text,
        "url": reverse("ledger:wallets"),
        "link_label": _("Vedi i buoni"),
    }


def municipality_funds(request):
    actor = request.actor
    if actor is None or not actor.has_perm("funds.view"):
        return None
    from benecomune.ledger.services.funds import funds_overview

    balances = funds_overview(actor.tenant_ids)
    text = (
        ngettext(
            "%(count)s fondo, saldo complessivo %(total)s.",
            "%(count)s fondi, saldo complessivo %(total)s.",
            len(balances),
        )
        % {"count": len(balances), "total": format_euro(sum(balances.values()))}
        if balances
        else _("Nessun fondo: crei il primo e registri i contributi.")
    )
    return {
        "title": _("Fondi"),
        "text": text,
        "url": reverse("ledger:funds"),
        "link_label": _("Vedi i fondi"),
    }
