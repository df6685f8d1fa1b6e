"""The Comune's public page: the shops of its circuit (and of its network's), and how a shop
joins."""

from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.core.models import OrganizationKind, Provider
from benecomune.vouchers.models import PointOfSale
from benecomune.vouchers.services.circuit import active_memberships

MAX_SHOPS = 60


def circuit_shops(request, organization):
    circuits = [organization.pk]
    if organization.kind == OrganizationKind.MUNICIPALITY and organization.network_id:
        circuits.append(organization.network_id)
    merchant_ids = active_memberships(circuits).values_list("merchant_id", flat=True)
    shops = list(
        Provider.objects.filter(pk__in=merchant_ids, is_active=True)
        .select_related("municipality")
        .order_by("name")[:MAX_SHOPS]
    )
    points: dict[int, list] = {}
    for point in PointOfSale.objects_unscoped.filter(
        merchant_id__in=[s.pk for s in shops], is_active=True
    ):
        points.setdefault(point.merchant_id, []).append(point)
    return {
        "title": _("Negozi dove si spendono i buoni"),
        "template": "vouchers/public/_section.html",
        "shops": [{"shop": s, "points": points.get(s.pk, [])} for s in shops],
        "signup_url": reverse("vouchers:signup"),
    }
