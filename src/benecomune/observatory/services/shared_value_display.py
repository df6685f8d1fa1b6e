"""What shared value a citizen and a shop's visitors see (issue 19, point 2): "questo acquisto
ha dato € x al progetto y" on a receipt, "partecipa al progetto y" on a shop's page.

Read from the SHARED_VALUE transfers (indexed by the payment they name, or by the merchant's
receivable account), net of what refunds and voids gave back. A shop that chose not to be named
on the public pages (`named_publicly=False`) is not shown as taking part."""

from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from benecomune.core.models import Provider
from benecomune.ledger.models import Account, AccountKind, Transfer, TransferKind
from benecomune.ledger.models.transfers import REFUND_OBJECT
from benecomune.ledger.money import format_euro
from benecomune.observatory.models import SharedValueAgreement, SocialProject
from benecomune.observatory.models.shared_value import LIVE
from benecomune.observatory.services.shared_value_routing import PUBLIC


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
    """The public projects a shop takes part in (signed by both sides, named publicly) with
    the total it gave so far: two grouped sums on the merchant's receivable account."""
    project_ids = set(
        SharedValueAgreement.objects_unscoped.filter(
            LIVE,
            merchant=provider,
            named_publicly=True,
            comune_signed_at__isnull=False,
            merchant_signed_at__isnull=False,
            project__status__in=PUBLIC,
        ).values_list("project_id", flat=True)
    )
    if not project_ids:
        return []
    projects = list(SocialProject.objects_unscoped.filter(pk__in=project_ids).order_by("title"))
    account = Account.objects_unscoped.filter(
        organization_id=provider.pk, kind=AccountKind.MERCHANT
    ).first()
    nets: dict[int, int] = defaultdict(int)
    if account is not None:
        accounts = [p.account_id for p in projects]
        moves = Transfer.objects_unscoped.filter(kind=TransferKind.SHARED_VALUE)
        sums = Sum("amount")
        for row in (
            moves.filter(debit_account=account, credit_account_id__in=accounts)
            .values("credit_account_id")
            .annotate(t=sums)
        ):
            nets[row["credit_account_id"]] += row["t"]
        for row in (
            moves.filter(credit_account=account, debit_account_id__in=accounts)
            .values("debit_account_id")
            .annotate(t=sums)
        ):
            nets[row["debit_account_id"]] -= row["t"]
    return [{"project": p, "amount": max(0, nets[p.account_id])} for p in projects]
