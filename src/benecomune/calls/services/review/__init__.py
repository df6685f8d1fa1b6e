"""Review of applications (istruttoria) and decisions.

The desk operator (`applications.instruct`) fills the checklist, re-runs the ANPR/INPS checks,
asks the applicant to complete the application (soccorso istruttorio) and closes the
instruction with a proposal. A validator (`applications.decide`) then admits or rejects it —
never a user who took part in its instruction (maker-checker), whatever roles they hold.
Bulk decisions are per item (see `bulk`).
"""

from benecomune.calls.services.review.bulk import bulk_decide, start_bulk_decision
from benecomune.calls.services.review.checklist import (
    OUTCOMES,
    PROPOSALS,
    checklist_items,
    recheck,
    save_checklist,
)
from benecomune.calls.services.review.clarifications import (
    expire_clarifications,
    request_application_clarification,
)
from benecomune.calls.services.review.common import (
    BULK_INLINE_LIMIT,
    CLARIFICATION_DAYS,
    took_part_in_instruction,
)
from benecomune.calls.services.review.decisions import complete_instruction, decide

__all__ = [
    "BULK_INLINE_LIMIT",
    "CLARIFICATION_DAYS",
    "OUTCOMES",
    "PROPOSALS",
    "bulk_decide",
    "checklist_items",
    "complete_instruction",
    "decide",
    "expire_clarifications",
    "recheck",
    "request_application_clarification",
    "save_checklist",
    "start_bulk_decision",
    "took_part_in_instruction",
]
