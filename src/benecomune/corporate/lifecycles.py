"""The transition table of a welfare plan's versions: draft -> submitted -> approved (frozen)
-> closed; a submitted version may go back to draft. A change to an approved plan is a new
version (services.plans.new_version), never an edit."""

from benecomune.core.lifecycle import Lifecycle, Transition
from benecomune.corporate.models import PlanStatus, PlanVersion

S = PlanStatus

PLAN_VERSION = Lifecycle(
    model=PlanVersion,
    tenant="company_id",
    initial=S.DRAFT,
    terminal=(S.CLOSED,),
    transitions=[
        Transition(S.DRAFT, S.SUBMITTED, "company.employees", "corporate.plan_submitted"),
        Transition(S.SUBMITTED, S.DRAFT, "company.employees", "corporate.plan_returned"),
        Transition(S.SUBMITTED, S.APPROVED, "company.manage", "corporate.plan_approved"),
        Transition(S.APPROVED, S.CLOSED, "company.manage", "corporate.plan_closed"),
    ],
)

LIFECYCLES = {"corporate.PlanVersion": PLAN_VERSION}
