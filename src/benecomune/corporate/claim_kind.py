"""The `corporate_plan` kind of payouts' expense claims: HR of the company reviews (the HR
admin or operator), the accepted amount is paid from the claim's hold on the plan wallet, a
rejection releases the hold (and what it counted under the plan's limit and the fringe cap)."""

from django.utils.translation import gettext as _

from benecomune.corporate.models import PlanClaimDetail
from benecomune.corporate.plan_wallets import pay_from_hold, release
from benecomune.ledger.models import Wallet
from benecomune.payouts import claim_kinds


def _detail(claim) -> PlanClaimDetail:
    return PlanClaimDetail.objects_unscoped.select_related("hold").get(claim=claim)


def accept(actor, claim, amount: int):
    detail = _detail(claim)
    wallet = Wallet.objects_unscoped.select_related("account").get(pk=detail.wallet_id)
    return pay_from_hold(
        actor,
        wallet,
        detail.hold,
        amount,
        key=f"corporate-claim:{claim.pk}",
        obj=claim,
        memo=_("Rimborso welfare, richiesta n. %(n)s") % {"n": claim.pk},
    )


def reject(actor, claim) -> None:
    detail = _detail(claim)
    wallet = Wallet.objects_unscoped.select_related("account").get(pk=detail.wallet_id)
    release(actor, wallet, detail.hold, reason=_("Richiesta di rimborso respinta"))


HANDLER = claim_kinds.ClaimKindHandler(
    name="corporate_plan",
    review_permissions=("company.employees", "company.manage"),
    accept=accept,
    reject=reject,
)


def register() -> None:
    from django.utils.translation import gettext_lazy

    from benecomune.core.audit import register_actions
    from benecomune.corporate import claim_files

    claim_kinds.register(HANDLER)
    claim_files.register()
    register_actions(
        {
            "corporate.claim_submitted": gettext_lazy("Rimborso welfare richiesto"),
            "corporate.payroll_requested": gettext_lazy("Versamento al fondo richiesto"),
            "corporate.payroll_passed": gettext_lazy("Versamento passato al cedolino"),
        }
    )
