"""Helpers shared by the voucher pages."""

from django.shortcuts import get_object_or_404

from benecomune.core.forms_helpers import add_errors  # noqa: F401 (used by the views)
from benecomune.core.scoping import tenant_scope
from benecomune.ledger.models import Account, Wallet
from benecomune.ledger.services.statements import with_balances


def own_issuers(request) -> tuple[int, list[int]]:
    """The citizen's person id and the organisations that issued them a wallet: the scope in
    which their wallets are read (a company's plan is outside the Comune's network)."""
    person_id = request.user.person_id
    issuers = Wallet.objects_unscoped.filter(person_id=person_id).values_list(
        "organization_id", flat=True
    )
    return person_id, sorted(set(issuers))


def own_wallet(request, pk) -> Wallet:
    person_id, issuers = own_issuers(request)
    with tenant_scope(issuers):
        return get_object_or_404(
            Wallet.objects.select_related(
                "account", "organization", "territory_network"
            ).prefetch_related("territory_municipalities"),
            pk=pk,
            person_id=person_id,
        )


def balances(account_ids) -> dict[int, int]:
    return dict(
        with_balances(Account.objects_unscoped.filter(pk__in=list(account_ids))).values_list(
            "pk", "current_balance"
        )
    )


def available(wallet: Wallet) -> int:
    row = (
        with_balances(Account.objects_unscoped.filter(pk=wallet.account_id))
        .values_list("current_balance", "held")
        .get()
    )
    return row[0] - row[1]
