"""The ledger's navigation entries and home cards (loaded by LedgerConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.home import register_home_card
from benecomune.ledger import home_cards

register_nav("citizen", _("I miei buoni"), "ledger:wallets")
register_nav(Role.MUNICIPALITY_ADMIN, _("Fondi"), "ledger:funds")
register_nav(Role.PLATFORM_ADMIN, _("Fondi"), "ledger:funds")
register_home_card("citizen", home_cards.citizen_wallets)
register_home_card(Role.MUNICIPALITY_ADMIN, home_cards.municipality_funds)
