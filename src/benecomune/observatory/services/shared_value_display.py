"""What shared value a citizen and a shop's visitors see (issue 19, point 2): "questo acquisto
ha dato € x al progetto y" on a receipt, "sostiene il progetto y" (or "ha sostenuto", once its
agreement ended) on a shop's page.

Read from the SHARED_VALUE transfers (indexed by the payment they name, or by the merchant's
receivable account), net of what refunds and voids gave back. A shop that chose not to be named
on the public pages (`named_publicly=False`) is not shown as taking part."""

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from benecomune.core.models import Provider
from benecomune.ledger.models import Account, AccountKind, Transfer, TransferKind
from benecomune.ledger.models.transfers import REFUND_OBJECT
from benecomune.ledger.money import format_euro
from benecomune.observatory.models import SocialProject
from benecomune.observatory.services import shared_value_supporters as supporters


def _projects(nets: dict[int, int]) -> list[dict]:
    """{project account id: net cents} → [{"project", "amount", "text"}], only what is still
    given; `text` is the receipt's sentence (gift_text), the same on the page and the PDF."""
    given = {account: net for account, net in nets.items() if net > 0}
    if not given:
        return []
    projects = SocialProject.objects_unscoped.filter(account_id__in=given).order_by("title")
    gifts = [{"project": p, "amount": given[p.account_id]} for p in projects]
    for gift in gifts:
        gift["text"] = gift_text(gift)
    return gifts


def gifts_of_payments(payment_ids) -> list[dict]:
    """What these PAYMENT transfers (one receipt) gave, per project, net of refunds/voids."""
    ids = [str(pk) for pk in payment_ids if pk]
    if not ids:
        return []
    nets: dict[int, int] = defaultdict(int)
    for amount, debit_kind, debit_id, credit_id in Transfer.objects_unscoped.filter(
        kind=TransferKind.SHARED_VALUE, object_type=REFUND_OBJECT, object_id__in=ids
    ).values_list("amount", "debit_account__kind", "debit_account_id", "credit_account_id"):
        if debit_kind == AccountKind.MERCHANT:
            nets[credit_id] += amount
        else:  # given back to the merchant by a refund or a void
            nets[debit_id] -= amount
    return _projects(nets)


def gifts_of_redemption(redemption) -> list[dict]:
    """What a till redemption (one receipt, one PAYMENT) gave."""
    return gifts_of_payments([redemption.transfer_id])


def gifts_of_order(order) -> list[dict]:
    """What an order gave: all the payments its payment intent captured (nothing before)."""
    from benecomune.payments.models import LegCapture

    if order.intent_id is None:
        return []
    return gifts_of_payments(
        LegCapture.objects_unscoped.filter(leg__intent_id=order.intent_id).values_list(
            "payment_id", flat=True
        )
    )


def gift_text(gift: dict) -> str:
    """The receipt's sentence for one project (the HTML receipt says the same, same msgid)."""
    return _("Questo acquisto ha dato %(amount)s al progetto «%(title)s».") % {
        "amount": format_euro(gift["amount"]),
        "title": gift["project"].title,
    }


def shop_projects(provider: Provider) -> list[dict]:
    """The public projects a shop supports (`current`) or supported (with the `period`), by
    its standing agreements (shared_value_supporters.py: never a proposal, a refused or a
    withdrawn one; not when the shop chose not to be named), with what it gave to each."""
    rows = [s for s in supporters.standings(merchant=provider) if s.named]
    if not rows:
        return []
    accounts = Account.objects_unscoped.filter(
        organization_id=provider.pk, kind=AccountKind.MERCHANT
    ).values("pk")
    nets = supporters.given(Q(debit_account__in=accounts) | Q(credit_account__in=accounts))
    out = [
        {
            "project": s.project,
            "amount": max(0, nets.get((provider.pk, s.project.account_id), 0)),
            "current": s.current,
            "since": s.since,
            "period": "" if s.current else supporters.period_text(s.periods),
        }
        for s in rows
    ]
    return sorted(out, key=lambda r: (not r["current"], r["project"].title, r["project"].pk))
