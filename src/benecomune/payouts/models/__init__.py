from .batches import BankReport, BatchItem, BatchStatus, ItemStatus, PayoutBatch
from .claims import (
    ACCEPTED_CLAIM_STATUSES,
    OPEN_CLAIM_STATUSES,
    ClaimCategory,
    ClaimClarification,
    ClaimKind,
    ClaimPolicy,
    ClaimReceipt,
    ClaimStatus,
    ExpenseClaim,
)
from .debit_notes import (
    DebitNote,
    DebitNoteCounter,
    DebitNoteLine,
    DebitNoteStatus,
    SettlementKind,
)
from .orders import BeneficiaryKind, PayoutOrder, PayoutStatus
from .payees import PayeeAccount
from .settings import PayoutSettings, SepaScheme, SettlementPeriod

__all__ = [
    "ACCEPTED_CLAIM_STATUSES",
    "OPEN_CLAIM_STATUSES",
    "BankReport",
    "BatchItem",
    "BatchStatus",
    "BeneficiaryKind",
    "ClaimCategory",
    "ClaimClarification",
    "ClaimKind",
    "ClaimPolicy",
    "ClaimReceipt",
    "ClaimStatus",
    "DebitNote",
    "DebitNoteCounter",
    "DebitNoteLine",
    "DebitNoteStatus",
    "ExpenseClaim",
    "ItemStatus",
    "PayeeAccount",
    "PayoutBatch",
    "PayoutOrder",
    "PayoutSettings",
    "PayoutStatus",
    "SepaScheme",
    "SettlementKind",
    "SettlementPeriod",
]
