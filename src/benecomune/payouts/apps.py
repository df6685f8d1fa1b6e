from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "benecomune.payouts"
    label = "payouts"
    verbose_name = _("Rimborsi e pagamenti")

    def ready(self):
        from benecomune.core.audit import register_actions
        from benecomune.core.registry import load_modules
        from benecomune.payouts import lifecycles  # noqa: F401  (action labels)

        load_modules(self)
        register_actions(
            {
                "payouts.settings_changed": _("Impostazioni dei pagamenti modificate"),
                "payouts.payee_account_changed": _("IBAN dell'esercente modificato"),
                "payouts.debit_note_drafted": _("Nota di debito preparata"),
                "payouts.debit_note_issued": _("Nota di debito emessa"),
                "payouts.debit_note_approved": _("Nota di debito approvata"),
                "payouts.debit_note_rejected": _("Nota di debito respinta"),
                "payouts.order_corrected": _("Dati di pagamento corretti"),
                "payouts.batch_prepared": _("Distinta di pagamento preparata"),
                "payouts.batch_approved": _("Distinta di pagamento approvata"),
                "payouts.batch_withdrawn": _("Distinta di pagamento ritirata"),
                "payouts.batch_closed": _("Distinta di pagamento chiusa"),
                "payouts.bank_file_downloaded": _("File per la banca scaricato"),
                "payouts.results_uploaded": _("Esiti della banca caricati"),
                "payouts.results_applied": _("Esiti della banca registrati"),
                "payouts.claim_policy_changed": _("Regole dei rimborsi modificate"),
                "payouts.claim_submitted": _("Richiesta di rimborso presentata"),
                "payouts.claim_accepted": _("Richiesta di rimborso accolta"),
                "payouts.claim_rejected": _("Richiesta di rimborso respinta"),
                "payouts.claim_clarification_requested": _("Integrazione chiesta su un rimborso"),
                "payouts.claim_clarification_answered": _("Integrazione a un rimborso ricevuta"),
                "payouts.report_exported": _("Rendiconto esportato"),
                "payouts.archive_exported": _("Archivio del bando esportato"),
            }
        )

        # Names of the keys of this app's audit details (the audit page, the history).
        from benecomune.core.audit_display import register_detail_names

        register_detail_names(
            {
                "funding": _("copertura"),
                "funding_transfer": _("movimento di copertura"),
                "accepted": _("importo accolto"),
                "claimed": _("importo chiesto"),
                "award": _("assegnazione"),
                "possible_duplicate": _("possibile doppione"),
                "iban_known": _("IBAN noto"),
                "batch": _("distinta"),
                "pending": _("in attesa"),
                "rejected": _("respinti"),
                "reason_code": _("codice del motivo"),
                "item": _("voce"),
            }
        )
