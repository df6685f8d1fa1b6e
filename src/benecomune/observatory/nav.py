"""The observatory's navigation entries (loaded by ObservatoryConfig.ready()); their menus are
in core/nav_groups.py."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role

register_nav(Role.MUNICIPALITY_ADMIN, _("Valore condiviso"), "observatory:sv_manage")
# The network's staff: the network's own projects and agreements.
register_nav(Role.PLATFORM_ADMIN, _("Valore condiviso"), "observatory:sv_manage")
register_nav(Role.MERCHANT_STAFF, _("Valore condiviso"), "observatory:sv_merchant")

DASHBOARD_ROLES = (
    Role.MUNICIPALITY_ADMIN,
    Role.COMPANY_HR,
    Role.COMPANY_HR_OPERATOR,
    Role.COMPANY_AUDITOR,
    Role.MERCHANT_STAFF,
    Role.PROVIDER_STAFF,
    Role.PLATFORM_ADMIN,  # the network's staff
)

for role in DASHBOARD_ROLES:
    register_nav(role, _("Osservatorio"), "observatory:dashboard")
for role in (Role.MUNICIPALITY_ADMIN, Role.PLATFORM_ADMIN):
    register_nav(role, _("Bisogni e offerta"), "observatory:needs_offer")
