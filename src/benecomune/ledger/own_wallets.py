"""A citizen's own wallets, as their pages read them: within a scope over the organisations
that issued them (a company's plan is outside the Comune's network), never beyond the person."""

from django.shortcuts import get_object_or_404

from benecomune.core.scoping import tenant_scope
from benecomune.ledger.models import Wallet


def own_issuers(request) -> tuple[int, list[int]]:
    """The citizen's person id and the organisations that issued them a wallet."""
    person_id = request.user.person_id
    # Unscoped on purpose: the issuers are what the scope is then opened on.
    issuers = Wallet.objects_unscoped.filter(person_id=person_id).values_list(
        "organization_id", flat=True
    )
    return person_id, sorted(set(issuers))


def own_wallet(request, pk) -> Wallet:
    """The citizen's wallet `pk` with its rules' relations, or a 404 for anyone else's."""
    person_id, issuers = own_issuers(request)
    with tenant_scope(issuers):
        return get_object_or_404(
            Wallet.objects.select_related(
                "account", "organization", "territory_network"
            ).prefetch_related("territory_municipalities"),
            pk=pk,
            person_id=person_id,
        )
