"""Payouts' navigation entries and home cards (loaded by PayoutsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.home import register_home_card
from benecomune.payouts import home_cards

register_nav(Role.MERCHANT_STAFF, _("Incassi e note di debito"), "payouts:merchant_notes")
register_nav(Role.MUNICIPALITY_ADMIN, _("Pagamenti"), "payouts:home")
register_nav(Role.VALIDATOR, _("Distinte di pagamento"), "payouts:batches")
register_nav(Role.PLATFORM_ADMIN, _("Pagamenti"), "payouts:home")
register_nav(Role.COMPANY_HR, _("Note di debito e pagamenti"), "payouts:home")
register_nav("citizen", _("I miei rimborsi"), "payouts:citizen_claims")
register_nav(Role.DESK_OPERATOR, _("Rimborsi"), "payouts:claim_queue")
register_nav(Role.VALIDATOR, _("Rimborsi"), "payouts:claim_queue")
register_home_card(Role.MERCHANT_STAFF, home_cards.merchant_settlement)
register_home_card(Role.MUNICIPALITY_ADMIN, home_cards.municipality_payouts)
register_home_card(Role.VALIDATOR, home_cards.batches_to_approve)
register_home_card("citizen", home_cards.citizen_claims_waiting_iban)
