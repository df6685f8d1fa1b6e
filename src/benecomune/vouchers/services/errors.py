"""Stable error codes of the till and the POS API: a code for machines, an Italian message
for people, and the HTTP status the API answers with."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from benecomune.ledger.exceptions import (
    IdempotencyConflict,
    InsufficientFunds,
    NotSpendable,
    ReservationExceeded,
    TransferNotAllowed,
)

# code -> (HTTP status, what it means; shown in the API documentation)
ERRORS: dict[str, tuple[int, str]] = {
    "validation_error": (
        400,
        _("Dati mancanti o non validi (anche l'intestazione Idempotency-Key)."),
    ),
    "unauthorized": (401, _("Token mancante, non valido o revocato.")),
    "forbidden": (403, _("Il token non appartiene a un esercente.")),
    "wrong_pin": (403, _("PIN della tessera errato.")),
    "card_blocked": (403, _("Tessera bloccata dal titolare o sostituita da una nuova.")),
    "not_valid_here": (
        403,
        _("Il buono non vale in questo negozio (categoria, territorio o circuito)."),
    ),
    "invalid_code": (404, _("Codice sconosciuto, alterato o scaduto.")),
    "code_used": (
        409,
        _("Codice da digitare già usato: vale per un solo pagamento o una sola autorizzazione."),
    ),
    "not_found": (404, _("Incasso o autorizzazione inesistente per questo negozio.")),
    "insufficient_balance": (409, _("Saldo del buono insufficiente (nessun resto in denaro).")),
    "expired": (409, _("Buono scaduto o non ancora valido, o autorizzazione scaduta.")),
    "void_not_allowed": (409, _("Annullamento non più possibile (oltre 15 minuti).")),
    "sale_in_debit_note": (
        409,
        _(
            "La vendita è già in una nota di debito emessa: non si annulla alla cassa, si "
            "chiede al Comune una rettifica."
        ),
    ),
    "authorisation_closed": (409, _("Autorizzazione già incassata o annullata.")),
    "idempotency_key_reused": (
        422,
        _(
            "Questa richiesta della cassa ripete un'operazione già registrata con dati diversi "
            "(buono, importo o tipo di operazione): non è stato addebitato nulla. Per un nuovo "
            "incasso ne avvii uno nuovo."
        ),
    ),
    "card_locked": (423, _("Tessera bloccata dopo 5 PIN errati.")),
    "too_many_attempts": (429, _("Troppi codici errati: riprovi tra qualche minuto.")),
}


class VoucherError(ValidationError):
    """A refusal with a stable `error_code`. Being a ValidationError, pages show its message."""

    def __init__(self, error_code: str, message=None):
        if error_code not in ERRORS:
            raise ValueError(f"unknown voucher error code {error_code}")
        super().__init__(str(message or ERRORS[error_code][1]), code=error_code)
        self.error_code = error_code

    @property
    def status(self) -> int:
        return ERRORS[self.error_code][0]

    @property
    def text(self) -> str:
        return self.messages[0]


def from_ledger(exc: Exception, *, expired: bool = False) -> VoucherError:
    """The ledger's refusals as till errors. `expired`: the wallet's dates were the reason."""
    message = getattr(exc, "messages", [str(exc)])[0]
    if isinstance(exc, InsufficientFunds):
        return VoucherError("insufficient_balance", message)
    if isinstance(exc, IdempotencyConflict):
        return VoucherError("idempotency_key_reused")
    if isinstance(exc, NotSpendable):
        return VoucherError("expired" if expired else "not_valid_here", message)
    if isinstance(exc, ReservationExceeded):
        return VoucherError("validation_error", message)
    if isinstance(exc, TransferNotAllowed):
        return VoucherError("validation_error", message)
    return VoucherError("validation_error", message)
