"""The vouchers' navigation entries, home cards and public page section (loaded by
VouchersConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.home import register_home_card
from benecomune.core.views.public import PUBLIC_SECTIONS
from benecomune.vouchers import home_cards
from benecomune.vouchers.public_sections import circuit_shops

register_nav("citizen", _("Paga con i buoni"), "vouchers:wallets")
register_nav(Role.MERCHANT_STAFF, _("Incassa un buono"), "vouchers:till")
register_nav(Role.MERCHANT_STAFF, _("Incassi"), "vouchers:redemptions")
register_nav(Role.MERCHANT_STAFF, _("Adesione al circuito"), "vouchers:membership")
# The shop's staff are managed on core's staff page, like every organisation's.
register_nav(Role.MERCHANT_STAFF, _("Personale"), "core:staff")
for role in (Role.MUNICIPALITY_ADMIN, Role.PLATFORM_ADMIN):
    register_nav(role, _("Circuito dei negozi"), "vouchers:circuit")
    register_nav(role, _("Spesa dei buoni"), "vouchers:spending")
register_nav(Role.DESK_OPERATOR, _("Tessere dei buoni"), "vouchers:desk")

if circuit_shops not in PUBLIC_SECTIONS:
    PUBLIC_SECTIONS.append(circuit_shops)
register_home_card("citizen", home_cards.citizen_pay, first=True)
register_home_card(Role.MERCHANT_STAFF, home_cards.merchant_till)
register_home_card(Role.MUNICIPALITY_ADMIN, home_cards.municipality_circuit)
register_home_card(Role.PLATFORM_ADMIN, home_cards.municipality_circuit)
