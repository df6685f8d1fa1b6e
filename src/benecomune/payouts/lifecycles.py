"""The lifecycles of claims, debit notes, payout orders, batches and their credit transfers
(see core.lifecycle and docs/lifecycles.md)."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.lifecycle import OWNER, Lifecycle
from benecomune.core.lifecycle import Transition as T
from benecomune.payouts.models import (
    BatchItem,
    BatchStatus,
    ClaimStatus,
    DebitNote,
    DebitNoteStatus,
    ExpenseClaim,
    ItemStatus,
    PayoutBatch,
    PayoutOrder,
    PayoutStatus,
)

MANAGE = "payouts.manage"
# A batch not yet approved is withdrawn by its maker or refused by its checker.
MAKER_OR_CHECKER = (MANAGE, "payouts.approve")
# A company plan's claims (kind corporate_plan) are reviewed by the company's HR; the service
# checks the kind's own permissions (payouts.claim_kinds), permissions are per organization.
REVIEW = ("applications.instruct", "applications.decide", "company.employees")

C = ClaimStatus
CLAIM = Lifecycle(
    ExpenseClaim,
    initial=C.SUBMITTED,
    terminal=(C.ACCEPTED, C.PARTIALLY_ACCEPTED, C.REJECTED),
    transitions=[
        T(C.SUBMITTED, C.ACCEPTED, REVIEW, "payouts.claim_accepted"),
        T(C.SUBMITTED, C.PARTIALLY_ACCEPTED, REVIEW, "payouts.claim_accepted"),
        T(C.SUBMITTED, C.REJECTED, REVIEW, "payouts.claim_rejected"),
        T(C.CLARIFICATION, C.REJECTED, REVIEW, "payouts.claim_rejected"),
        T(C.SUBMITTED, C.CLARIFICATION, REVIEW, "payouts.claim_clarification_requested"),
        # The beneficiary, or the desk on their behalf (desk.assist), checked by the service.
        T(C.CLARIFICATION, C.SUBMITTED, OWNER, "payouts.claim_clarification_answered"),
    ],
)

N = DebitNoteStatus
DEBIT_NOTE = Lifecycle(
    DebitNote,
    tenant="payer_id",
    initial=N.DRAFT,
    terminal=(N.PAID, N.REJECTED),
    transitions=[
        T(N.DRAFT, N.ISSUED, "merchant.manage", "payouts.debit_note_issued", scope="merchant_id"),
        T(N.ISSUED, N.APPROVED, MANAGE, "payouts.debit_note_approved"),
        T(N.ISSUED, N.REJECTED, MANAGE, "payouts.debit_note_rejected"),
        T(N.APPROVED, N.IN_BATCH, MANAGE, "payouts.debit_note_in_batch"),
        # Its batch withdrawn, or its transfer rejected by the bank: payable again.
        T(N.IN_BATCH, N.APPROVED, MAKER_OR_CHECKER, "payouts.debit_note_payable_again"),
        T(N.IN_BATCH, N.PAID, MANAGE, "payouts.debit_note_paid"),
    ],
)

P = PayoutStatus
ACCOUNT_ACTIONS = (
    # The beneficiary corrects the IBAN, or the payer's staff for them (checked by the service).
    (OWNER, "payouts.order_corrected", None),
    # A new batch takes the IBAN the person has set since (the batch's maker).
    (MANAGE, "payouts.order_account_refreshed", None),
    # The merchant sets the account its payouts go to.
    ("merchant.manage", "payouts.order_payee_account_set", "provider_id"),
)
PAYOUT_ORDER = Lifecycle(
    PayoutOrder,
    initial=(P.READY, P.ON_HOLD),  # ON_HOLD: created without an IBAN
    terminal=(P.PAID,),
    transitions=[
        *(
            T(source, P.READY, permission, action, scope=scope)
            for source in (P.ON_HOLD, P.REJECTED)
            for permission, action, scope in ACCOUNT_ACTIONS
        ),
        T(P.READY, P.IN_BATCH, MANAGE, "payouts.order_in_batch"),
        T(P.IN_BATCH, P.READY, MAKER_OR_CHECKER, "payouts.order_ready_again"),
        T(P.IN_BATCH, P.PAID, MANAGE, "payouts.order_paid"),
        T(P.IN_BATCH, P.REJECTED, MANAGE, "payouts.order_rejected"),
    ],
)

B = BatchStatus
PAYOUT_BATCH = Lifecycle(
    PayoutBatch,
    initial=B.PREPARING,
    terminal=(B.CLOSED, B.WITHDRAWN),
    transitions=[
        T(B.PREPARING, B.READY, MANAGE, "payouts.batch_ready"),
        # Withdrawn by hand, or by the generation when nothing was left to pay.
        T(B.PREPARING, B.WITHDRAWN, MAKER_OR_CHECKER, "payouts.batch_withdrawn"),
        T(B.READY, B.WITHDRAWN, MAKER_OR_CHECKER, "payouts.batch_withdrawn"),
        T(B.READY, B.APPROVED, "payouts.approve", "payouts.batch_approved"),
        T(B.APPROVED, B.CLOSED, MANAGE, "payouts.batch_closed"),
    ],
)

IT = ItemStatus
BATCH_ITEM = Lifecycle(
    BatchItem,
    initial=IT.QUEUED,  # written queued by the batch's generation
    terminal=(IT.PAID, IT.REJECTED, IT.WITHDRAWN),
    transitions=[
        # The bank's outcome, recorded by the batch's maker (services.results).
        T(IT.QUEUED, IT.PAID, MANAGE, "payouts.item_paid"),
        T(IT.QUEUED, IT.REJECTED, MANAGE, "payouts.item_rejected"),
        # With its batch, not yet approved (services.batches.withdraw_batch).
        T(IT.QUEUED, IT.WITHDRAWN, MAKER_OR_CHECKER, "payouts.item_withdrawn"),
    ],
)

LIFECYCLES = {
    "payouts.ExpenseClaim": CLAIM,
    "payouts.DebitNote": DEBIT_NOTE,
    "payouts.PayoutOrder": PAYOUT_ORDER,
    "payouts.PayoutBatch": PAYOUT_BATCH,
    "payouts.BatchItem": BATCH_ITEM,
}

# Actions only the tables write (the others are registered in apps.py).
register_actions(
    {
        "payouts.batch_ready": _("Distinta di pagamento pronta da approvare"),
        "payouts.debit_note_in_batch": _("Nota di debito messa in distinta"),
        "payouts.debit_note_payable_again": _("Nota di debito di nuovo da pagare"),
        "payouts.debit_note_paid": _("Nota di debito pagata"),
        "payouts.order_account_refreshed": _("Pagamento aggiornato con il nuovo IBAN"),
        "payouts.order_payee_account_set": _("Pagamento aggiornato con il conto dell'esercente"),
        "payouts.order_in_batch": _("Pagamento messo in distinta"),
        "payouts.order_ready_again": _("Pagamento di nuovo da pagare"),
        "payouts.order_paid": _("Pagamento eseguito"),
        "payouts.order_rejected": _("Pagamento respinto dalla banca"),
        "payouts.item_paid": _("Bonifico della distinta eseguito"),
        "payouts.item_rejected": _("Bonifico della distinta respinto dalla banca"),
        "payouts.item_withdrawn": _("Bonifico ritirato con la distinta"),
    }
)
