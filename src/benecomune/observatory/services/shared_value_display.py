"""What shared value a citizen and a shop's visitors see (issue 19, point 2): "questo acquisto
ha dato € x al progetto y" on a receipt, "partecipa al progetto y" on a shop's page.

Read from the SHARED_VALUE transfers (indexed by the payment they name, or by the merchant's
receivable account), net of what refunds and voids gave back. A shop that chose not to be named
on the public pages (`named_publicly=False`) is not shown as taking part."""

from collections import defaultdict

from django.db.models import Sum

from benecomune.core.models import Provider
from benecomune.ledger.models import Account, AccountKind, Transfer, TransferKind
from benecomune.ledger.models.transfers import REFUND_OBJECT
from benecomune.observatory.models import SharedValueAgreement, SocialProject
from benecomune.observatory.services.shared_value_routing import PUBLIC


def _projects(nets: dict[int, int]) -> list[dict]:
    """{project account id: net cents} → [{"project", "amount"}], only what is still given."""
    given = {account: net for account, net in nets.items() if net > 0}
    if not given:
        return []
    projects = SocialProject.objects_unscoped.filter(account_id__in=given).order_by("title")
    return [{"project": p, "amount": given[p.account_id]} for p in projects]


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


def shop_projects(provider: Provider) -> list[dict]:
    """The public projects a shop takes part in (signed by both sides, named publicly) with
    the total it gave so far: two grouped sums on the merchant's receivable account."""
    project_ids = set(
        SharedValueAgreement.objects_unscoped.filter(
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
