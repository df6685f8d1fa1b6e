"""How each role's navigation is folded into a few menus.

Apps register their entries (`register_nav`); this file decides, in one place, which entries of
a role sit together under a menu, so that the bar shows a handful of items that a resident of
70 can scan (the citizen had 14 flat entries). An entry named in no group stays a top-level
link, before the menus; a test keeps every role at no more than MAX_TOP_LEVEL items, so a new
entry that would crowd the bar has to find its menu here.
"""

from django.utils.translation import gettext_lazy as _

from benecomune.core.models import Role

MAX_TOP_LEVEL = 7

_ORGANISATION = (_("Organizzazione"), ("core:staff", "core:tokens"))
_ADMINISTRATION = (
    _("Amministrazione"),
    (
        "core:staff",
        "core:tokens",
        "core:audit",
        "core:outbox",
        "identity:requests",
        "identity:retention",
    ),
)

_COMPANY = (
    (
        _("Piano di welfare"),
        (
            "corporate:plans",
            "corporate:bonuses",
            "corporate:payroll_export",
            "payouts:home",
            "observatory:dashboard",
        ),
    ),
    (
        _("Azienda"),
        ("corporate:profile", "core:staff", "core:tokens", "desk:points", "core:audit"),
    ),
)

NAV_GROUPS: dict[str, tuple[tuple, ...]] = {
    "citizen": (
        (
            _("Buoni e domande"),
            (
                "calls:my_applications",
                "ledger:wallets",
                "vouchers:wallets",
                "payouts:citizen_claims",
                "corporate:my_welfare",
            ),
        ),
        (
            _("Servizi e prenotazioni"),
            (
                "marketplace:my_catalogue",
                "bookings:my_bookings",
                "bookings:my_orders",
                "marketplace:my_threads",
                "marketplace:my_reviews",
                "desk:my_orientations",
                "desk:my_appointments",
            ),
        ),
        (
            _("Profilo e privacy"),
            (
                "core:profile",
                "identity:my_data",
                "desk:my_delegations",
                "desk:acted_for_me",
                "core:my_tokens",
            ),
        ),
    ),
    Role.MERCHANT_STAFF: (
        (
            _("Vendite"),
            (
                "vouchers:redemptions",
                "payouts:merchant_notes",
                "bookings:provider_orders",
                "bookings:provider_bookings",
                "bookings:provider_agenda_day",
                "marketplace:dashboard",
                "observatory:dashboard",
            ),
        ),
        (
            _("La mia attività"),
            (
                "marketplace:profile",
                "marketplace:shop_hours",
                "marketplace:services",
                "marketplace:provider_reviews",
                "vouchers:membership",
                "marketplace:my_accreditations",
                "observatory:sv_merchant",
            ),
        ),
        _ORGANISATION,
    ),
    Role.PROVIDER_STAFF: (
        (
            _("Vendite"),
            (
                "bookings:provider_bookings",
                "bookings:provider_orders",
                "marketplace:dashboard",
                "observatory:dashboard",
            ),
        ),
        (
            _("La mia attività"),
            (
                "marketplace:profile",
                "marketplace:services",
                "bookings:agenda",
                "marketplace:provider_reviews",
                "marketplace:my_accreditations",
                "desk:received_referrals",
            ),
        ),
        (_("Organizzazione"), ("core:staff", "core:tokens", "desk:points")),
    ),
    Role.COMPANY_HR: _COMPANY,
    Role.COMPANY_HR_OPERATOR: _COMPANY,
    Role.COMPANY_AUDITOR: _COMPANY,
    Role.MUNICIPALITY_ADMIN: (
        (
            _("Welfare pubblico"),
            ("calls:call_list", "calls:review_list", "ledger:funds", "payouts:home"),
        ),
        (
            _("Territorio"),
            (
                "vouchers:circuit",
                "vouchers:spending",
                "marketplace:district",
                "bookings:comune_bookings",
                "desk:points",
                "observatory:sv_manage",
                "observatory:dashboard",
                "observatory:needs_offer",
            ),
        ),
        _ADMINISTRATION,
    ),
    Role.PLATFORM_ADMIN: (
        (_("Welfare pubblico"), ("calls:call_list", "ledger:funds", "payouts:home")),
        (
            _("Territorio"),
            (
                "vouchers:circuit",
                "vouchers:spending",
                "marketplace:network_home",
                "marketplace:district",
                "marketplace:network_reviews",
                "marketplace:abuse_reports",
                "corporate:company_join",
                "corporate:network_overview",
                "corporate:incoming_transfers",
                "desk:points",
                "observatory:sv_manage",
                "observatory:dashboard",
                "observatory:needs_offer",
            ),
        ),
        (_("Amministrazione"), ("core:audit", "core:tokens", "core:outbox")),
    ),
}


def fold(role: str, entries: list[dict]) -> list[dict]:
    """The entries of `role` as the bar shows them: ungrouped links first, in their order,
    then each menu that has any entry (in the group's order); a menu of one entry is shown as
    that link."""
    groups = NAV_GROUPS.get(role, ())
    by_url_name = {entry["url_name"]: entry for entry in entries}
    grouped = {name for _label, names in groups for name in names}
    items = [entry for entry in entries if entry["url_name"] not in grouped]
    for index, (label, names) in enumerate(groups):
        members = [by_url_name[name] for name in names if name in by_url_name]
        if len(members) == 1:
            items.append(members[0])
        elif members:
            items.append(
                {
                    "label": label,
                    "group_id": f"nav-group-{index}",
                    "children": members,
                    "active": any(member["active"] for member in members),
                    "badge": sum(member["badge"] for member in members),
                }
            )
    return items
