"""Reading the commerce district of a Comune (or of every Comune of a network): its shops,
which of them take the Comune's vouchers, the directory's counts, and the local-spend share
of the welfare money the Comune issued.

A district's shop is an active `core.Provider` of kind shop with its seat in the Comune.
The spending comes from the voucher reports (`vouchers.services.reports`: payments read from
the ledger, net of reversals and refunds), the one computation of "spent in the Comune's own
shops" the Comune's "Spesa dei buoni" page shows too."""

import datetime
from dataclasses import dataclass

from django.db.models import Count

from benecomune.core.models import (
    MerchantCategory,
    Municipality,
    Organization,
    OrganizationKind,
    Provider,
    ProviderKind,
)
from benecomune.marketplace.models import RegistrationStatus
from benecomune.marketplace.services.promotions import current
from benecomune.vouchers.services import reports
from benecomune.vouchers.services.circuit import active_memberships


def municipality_ids(org: Organization) -> list[int]:
    """The Comuni of the district: the Comune itself, or a network's active Comuni."""
    if org.kind == OrganizationKind.NETWORK:
        return list(
            Municipality.objects.filter(network_id=org.pk, is_active=True).values_list(
                "pk", flat=True
            )
        )
    return [org.pk]


def district_shops(org: Organization, category: str = ""):
    """Active shops with their seat in the district, by name. A shop that signed up by itself
    shows once the network has approved it (it is active only then)."""
    shops = (
        Provider.objects.filter(
            provider_kind=ProviderKind.SHOP,
            is_active=True,
            municipality_id__in=municipality_ids(org),
        )
        .exclude(
            marketplace_profile__registration__in=[
                RegistrationStatus.PENDING,
                RegistrationStatus.REFUSED,
            ]
        )
        .select_related("municipality")
    )
    if category:
        shops = shops.filter(category=category)
    return shops.order_by("name", "pk")


def voucher_shop_ids(municipality: Organization) -> set[int]:
    """Shops taking the Comune's vouchers: active members of its circuit or its network's
    (the same circuits `vouchers.services.where` lists for the Comune)."""
    circuits = [municipality.pk]
    if municipality.network_id:
        circuits.append(municipality.network_id)
    return set(active_memberships(circuits).values_list("merchant_id", flat=True))


def accepting_ids(shops) -> set[int]:
    """Of `shops`, those taking the vouchers of their own Comune."""
    by_town: dict[int, list[int]] = {}
    for shop in shops:
        by_town.setdefault(shop.municipality_id, []).append(shop.pk)
    accepted: set[int] = set()
    for town_id, ids in by_town.items():
        town = Organization.objects.get(pk=town_id)
        accepted |= voucher_shop_ids(town) & set(ids)
    return accepted


def categories_in(org: Organization) -> list[tuple[str, str, int]]:
    """[(category, label, shops)] present in the district, by label."""
    counts = dict(
        district_shops(org)
        .order_by()
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    labels = dict(MerchantCategory.choices)
    return sorted(
        ((value, str(labels.get(value, value)), n) for value, n in counts.items()),
        key=lambda row: row[1],
    )


def counts(org: Organization, *, on: datetime.date | None = None) -> dict:
    """The directory's figures for the Comune's staff page."""
    shops = list(district_shops(org))
    ids = [s.pk for s in shops]
    return {
        "shops": len(shops),
        "categories": categories_in(org),
        "accepting": len(accepting_ids(shops)),
        "with_promotions": len(set(current(ids, on=on).values_list("provider_id", flat=True))),
        "promotions": current(ids, on=on).count(),
    }


@dataclass
class Share:
    """Welfare money issued by `issuer`, spent in the shops of its own Comune (`local`) and
    of its network's Comuni (`network`), as `vouchers.services.reports.local_share` counts."""

    issuer: Organization
    local: dict
    network: dict


def spend_shares(org: Organization, period: reports.Period) -> tuple[list[Share], dict | None]:
    """A Comune: one Share, its own. A network: one per Comune (its money in its own shops),
    and the whole network's money (its own and its Comuni's) in the network's shops."""
    network_id = org.pk if org.kind == OrganizationKind.NETWORK else org.network_id
    network_towns = (
        municipality_ids(Organization.objects.get(pk=network_id)) if network_id else [org.pk]
    )
    towns = Municipality.objects.filter(pk__in=municipality_ids(org)).order_by("name")
    shares = []
    for town in towns:
        rows = reports.spending_by_merchant([town.pk], period)
        shares.append(
            Share(
                town,
                reports.local_share(rows, [town.pk]),
                reports.local_share(rows, network_towns),
            )
        )
    whole = None
    if org.kind == OrganizationKind.NETWORK:
        # The network's own calls issue wallets too: every issuer's money, in the network.
        rows = reports.spending_by_merchant(org.tenant_ids(), period)
        whole = reports.local_share(rows, network_towns)
    return shares, whole
