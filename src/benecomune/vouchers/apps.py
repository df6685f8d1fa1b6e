from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "benecomune.vouchers"
    label = "vouchers"
    verbose_name = _("Buoni e circuito degli esercenti")

    def ready(self):
        from benecomune.core.audit import register_actions
        from benecomune.core.context_processors import register_nav
        from benecomune.core.models import Role
        from benecomune.core.views.home import register_home_card
        from benecomune.vouchers import home_cards

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
        from benecomune.core.views.public import PUBLIC_SECTIONS
        from benecomune.vouchers.public_sections import circuit_shops

        if circuit_shops not in PUBLIC_SECTIONS:
            PUBLIC_SECTIONS.append(circuit_shops)
        register_home_card("citizen", home_cards.citizen_pay, first=True)
        register_home_card(Role.MERCHANT_STAFF, home_cards.merchant_till)
        register_home_card(Role.MUNICIPALITY_ADMIN, home_cards.municipality_circuit)
        register_home_card(Role.PLATFORM_ADMIN, home_cards.municipality_circuit)

        register_actions(
            {
                "vouchers.membership_requested": _("Richiesta di adesione al circuito"),
                "vouchers.membership_approved": _("Adesione al circuito approvata"),
                "vouchers.membership_rejected": _("Adesione al circuito respinta"),
                "vouchers.membership_suspended": _("Adesione al circuito sospesa"),
                "vouchers.membership_reinstated": _("Adesione al circuito riattivata"),
                "vouchers.convention_accepted": _("Convenzione del circuito accettata"),
                "vouchers.merchant_updated": _("Dati del negozio aggiornati all'approvazione"),
                "vouchers.card_issued": _("Tessera del buono emessa"),
                "vouchers.card_reissued": _("Tessera del buono sostituita"),
                "vouchers.card_blocked": _("Tessera del buono bloccata"),
                "vouchers.card_locked": _("Tessera bloccata per PIN errati"),
                "vouchers.redemption_voided": _("Incasso annullato alla cassa"),
                "ledger.hold_authorised": _("Importo autorizzato sul buono"),
                "ledger.hold_released": _("Autorizzazione liberata"),
            }
        )

        self._register_api()

    @staticmethod
    def _register_api():
        from ninja.errors import HttpError
        from ninja.errors import ValidationError as NinjaValidationError

        from benecomune.api.main import api
        from benecomune.vouchers.api import http_error_handler, router, validation_error_handler

        if getattr(api, "_vouchers_registered", False):
            return
        api.add_router("/pos/", router)
        previous = api._exception_handlers.get(NinjaValidationError)
        api.add_exception_handler(NinjaValidationError, validation_error_handler(previous))
        previous_http = api._exception_handlers.get(HttpError)
        api.add_exception_handler(HttpError, http_error_handler(previous_http))
        api._vouchers_registered = True
