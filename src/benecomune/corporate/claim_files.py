"""The receipt of a company-plan claim for the company's HR (core's checked file view): only a
claim of kind corporate_plan of the active role's company; anyone else gets not found. The
employee sees their own receipts through payouts' citizen view."""

from benecomune.core.files import ServedFile, register_file_kind
from benecomune.payouts.files import claim_receipt
from benecomune.payouts.models import ClaimKind, ExpenseClaim

CLAIM_RECEIPT = "ricevuta-welfare"


def staff_receipt(actor, pk: int) -> ServedFile | None:
    organization = actor.organization
    if organization is None or not actor.has_perm("company.view", organization):
        return None
    claim = ExpenseClaim.objects_unscoped.filter(
        pk=pk, kind=ClaimKind.CORPORATE_PLAN, organization_id=organization.pk
    ).first()
    return claim_receipt(claim)


def register() -> None:
    register_file_kind(CLAIM_RECEIPT, staff=staff_receipt)
