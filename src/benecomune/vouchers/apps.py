from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VouchersConfig(AppConfig):
    name = "benecomune.vouchers"
    label = "vouchers"
    verbose_name = _("Buoni e circuito degli esercenti")

    def ready(self):
        from benecomune.core.audit import register_actions
        from benecomune.core.registry import load_modules

        load_modules(self)

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

        # Names of the keys of this app's audit details (the audit page, the history).
        from benecomune.core.audit_display import register_detail_names

        register_detail_names(
            {
                "number_end": _("ultime cifre del numero"),
                "points_of_sale": _("punti vendita"),
            }
        )

        self._register_api()

    @staticmethod
    def _register_api():
        from benecomune.api.main import add_app_router, default_http_error, default_validation_error
        from benecomune.vouchers.api import http_error_handler, router, validation_error_handler

        add_app_router(
            "pos",
            router,
            on_validation_error=validation_error_handler(default_validation_error),
            on_http_error=http_error_handler(default_http_error),
        )
