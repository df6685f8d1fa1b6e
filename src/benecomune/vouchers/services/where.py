"""Where a voucher can be spent: ONE answer for the citizen's "Dove spenderlo" page, the
printed card, the call's public page and the Comune's public page.

A shop is listed when it is an active member of the issuer's circuit (or of its network's)
and the ledger's spending rules (`ledger.services.rules.check_spendable`, the check every
payment runs) accept it for this wallet on a day the voucher can be used. A call's voucher is
evaluated on the wallet its award will open (`calls.services.facts.award_wallet_rules`)."""

import datetime

from django.db.models import Q
from django.utils import timezone

from benecomune.core.models import Organization, Provider
from benecomune.ledger.models import Wallet
from benecomune.ledger.services.rules import check_spendable
from benecomune.vouchers.models import PointOfSale
from benecomune.vouchers.services.circuit import active_memberships


def _circuits(organization_id: int) -> list[int]:
    network_id = (
        Organization.objects.filter(pk=organization_id).values_list("network_id", flat=True).first()
    )
    return [organization_id, network_id] if network_id else [organization_id]


def rules_day(wallet: Wallet) -> datetime.date | None:
    """The day the rules are evaluated on: today, or the first day a voucher not yet usable
    can be spent. None once it has expired (it is valid nowhere)."""
    today = timezone.localdate()
    if wallet.expired_at is not None or (wallet.valid_until and wallet.valid_until < today):
        return None
    return max(today, wallet.valid_from) if wallet.valid_from else today


def _as_wallet(source) -> Wallet | None:
    if isinstance(source, Wallet) or source is None:
        return source
    from benecomune.calls.services.facts import award_wallet_rules  # a call's voucher

    return award_wallet_rules(source)


def shops_where_valid(source, query: str = "") -> list[dict]:
    """[{"shop": Provider, "points": [PointOfSale]}] by name, for a wallet, a call (its
    voucher) or an organisation (its circuit, no rules: the Comune's page when it has no
    voucher to speak of). `query` narrows by name, address or town."""
    if isinstance(source, Organization):
        wallet, circuits = None, _circuits(source.pk)
    else:
        wallet = _as_wallet(source)
        circuits = _circuits(wallet.organization_id)
    day = rules_day(wallet) if wallet is not None else None
    if wallet is not None and day is None:
        return []
    merchant_ids = active_memberships(circuits).values_list("merchant_id", flat=True)
    merchants = Provider.objects.filter(pk__in=merchant_ids, is_active=True).select_related(
        "municipality"
    )
    if query:
        merchants = merchants.filter(
            Q(name__icontains=query)
            | Q(address__icontains=query)
            | Q(municipality__name__icontains=query)
        )
    shops = [
        m
        for m in merchants.order_by("name", "pk")
        if wallet is None or check_spendable(wallet, m, at=day) is None
    ]
    points: dict[int, list] = {}
    for point in PointOfSale.objects_unscoped.filter(
        merchant_id__in=[s.pk for s in shops], is_active=True
    ).order_by("pk"):
        points.setdefault(point.merchant_id, []).append(point)
    return [{"shop": s, "points": points.get(s.pk, [])} for s in shops]
