from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "benecomune.ledger"
    label = "ledger"
    verbose_name = _("Contabilità")

    def ready(self):
        from benecomune.core.registry import load_modules

        load_modules(self)

        from benecomune.core.audit import register_actions
        from benecomune.ledger.models import TransferKind

        register_actions({f"ledger.{kind.value}": kind.label for kind in TransferKind})
        register_actions(
            {
                "ledger.fund_created": _("Fondo creato"),
                "ledger.reserved": _("Importo prenotato sul fondo"),
                "ledger.released": _("Prenotazione liberata"),
                "ledger.wallet_opened": _("Buono aperto"),
                "ledger.wallet_expired": _("Buono scaduto: saldo restituito al fondo"),
                "ledger.award_batch": _("Assegnazioni in blocco dal fondo"),
            }
        )

        from benecomune.core.audit_display import register_object_label, register_value_format
        from benecomune.ledger import audit_labels
        from benecomune.ledger.money import format_euro

        register_object_label("ledger.transfer", audit_labels.transfer)
        register_object_label("ledger.reservation", audit_labels.reservation)
        register_value_format(audit_labels.MONEY_KEYS, format_euro)

        from benecomune.core.audit_display import register_detail_names

        register_detail_names(
            {
                "requested": _("importo richiesto"),
                "consumed": _("importo speso"),
                "released": _("importo liberato"),
                "awarded": _("importo assegnato"),
                "balance": _("saldo"),
                "balance_after": _("saldo dopo il movimento"),
                "cost": _("costo"),
                "funded_cost": _("costo finanziato"),
            }
        )
