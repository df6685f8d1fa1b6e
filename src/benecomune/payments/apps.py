from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "benecomune.payments"
    label = "payments"
    verbose_name = _("Pagamenti")

    def ready(self):
        from benecomune.core.audit import register_actions

        register_actions(
            {
                "payments.intent_created": _("Pagamento avviato"),
                "payments.intent_authorised": _("Pagamento autorizzato"),
                "payments.intent_failed": _("Pagamento non autorizzato"),
                "payments.intent_captured": _("Pagamento incassato"),
                "payments.intent_voided": _("Pagamento annullato"),
                "payments.intent_refunded": _("Pagamento rimborsato"),
            }
        )

        # Names of the keys of this app's audit details (the audit page, the history).
        from benecomune.core.audit_display import register_detail_names

        register_detail_names(
            {
                "captured": _("incassato"),
                "refunded": _("rimborsato"),
            }
        )
