"""What the page shell needs: the organisation shown in the header, role, navigation."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from benecomune.core.models import Network, Role
from benecomune.core.nav_groups import fold

NAV_BY_ROLE = {
    "citizen": [
        (_("La mia area"), "core:home"),
        (_("Profilo e pagamenti"), "core:profile"),
        (_("Messaggi"), "core:inbox"),
        (_("App collegate"), "core:my_tokens"),
    ],
    Role.DESK_OPERATOR: [
        (_("Scrivania"), "core:home"),
        (_("Anagrafe"), "core:people"),
    ],
    Role.VALIDATOR: [
        (_("Scrivania"), "core:home"),
        (_("Anagrafe"), "core:people"),
    ],
    Role.MUNICIPALITY_ADMIN: [
        (_("Scrivania"), "core:home"),
        (_("Anagrafe"), "core:people"),
        (_("Registro delle attività"), "core:audit"),
        (_("Personale"), "core:staff"),
        (_("Dispositivi e integrazioni"), "core:tokens"),
    ],
    Role.DATA_PROTECTION: [
        (_("Scrivania"), "core:home"),
        (_("Registro delle attività"), "core:audit"),
    ],
    Role.MERCHANT_STAFF: [
        (_("Cassa"), "core:home"),
        (_("Dispositivi"), "core:tokens"),
    ],
    Role.PROVIDER_STAFF: [
        (_("Scrivania"), "core:home"),
        (_("Personale"), "core:staff"),
        (_("Dispositivi"), "core:tokens"),
    ],
    Role.COMPANY_HR: [(_("Scrivania"), "core:home"), (_("Personale"), "core:staff")],
    Role.COMPANY_HR_OPERATOR: [(_("Scrivania"), "core:home")],
    Role.COMPANY_AUDITOR: [
        (_("Scrivania"), "core:home"),
        (_("Registro delle attività"), "core:audit"),
    ],
    Role.WELFARE_MANAGER: [(_("Scrivania"), "core:home")],
    Role.WELFARE_DESK_STAFF: [(_("Scrivania"), "core:home")],
    Role.WELFARE_COORDINATOR: [(_("Scrivania"), "core:home")],
    Role.PLATFORM_ADMIN: [
        (_("Scrivania"), "core:home"),
        (_("Organizzazioni"), "core:organizations"),
        (_("Anagrafe"), "core:people"),
        (_("Registro delle attività"), "core:audit"),
        (_("Dispositivi e integrazioni"), "core:tokens"),
    ],
}

# Extra entries apps add to the navigation, per role: (label, url name[, badge]).
EXTRA_NAV: dict[str, list[tuple]] = {}


def register_nav(role: str, label, url_name: str, badge=None) -> None:
    """`badge`, optional: a function of the request giving a count shown beside the entry
    (unread messages); 0 shows nothing. It runs on every page of that role: keep it one query."""
    EXTRA_NAV.setdefault(role, []).append((label, url_name, badge) if badge else (label, url_name))


def _default_network():
    return Network.objects.order_by("pk").first()


def brand_url(org) -> str:
    """Where the header's organisation name leads: a network's or a Comune's public page; a
    shop, company or cooperative has none, so its staff go to their own home page."""
    if org is None:
        return "/"
    if org.kind in ("network", "municipality"):
        return reverse("core:organization_home", args=[org.slug])
    return reverse("core:home")


def shell(request):
    actor = getattr(request, "actor", None)
    tenant = getattr(request, "tenant", None)
    role = actor.role if actor else None
    if tenant is None and actor is not None and actor.membership is not None:
        tenant = actor.organization  # staff see their own organisation in the header
    if tenant is not None:
        brand = tenant.specific
        network = brand if tenant.kind == "network" else (tenant.network or None)
    else:
        network = _default_network()
        brand = network
    nav = []
    if role:
        for label, name, *badge in [*NAV_BY_ROLE.get(role, []), *EXTRA_NAV.get(role, [])]:
            url = reverse(name)
            count = badge[0](request) if badge else 0
            nav.append(
                {
                    "label": label,
                    "url": url,
                    "url_name": name,
                    "active": request.path == url,
                    "badge": count,
                }
            )
        nav = fold(role, nav)
    return {
        "brand": brand,
        "brand_url": brand_url(brand),
        "brand_network": network,
        "actor": actor,
        "active_role": role,
        "nav_items": nav,
        "memberships": getattr(request, "memberships", []),
    }
