"""The plan's PDF through core's checked file views: HR of the company (any of its three
roles) on /gestione/, an employee of the company on /area-personale/ for approved or closed
versions. Anyone else: not found."""

from benecomune.core.files import ServedFile, register_file_kind
from benecomune.corporate.models import Employee, PlanStatus, PlanVersion
from benecomune.corporate.plan_pdf import plan_pdf

PLAN_PDF = "piano-welfare"


def _served(version: PlanVersion) -> ServedFile:
    return ServedFile(
        filename=f"piano-welfare-{version.plan_id}-v{version.number}.pdf",
        content_type="application/pdf",
        content=plan_pdf(version),
    )


def staff_plan(actor, pk: int) -> ServedFile | None:
    organization = actor.organization
    if organization is None or not actor.has_perm("company.view", organization):
        return None
    version = (
        PlanVersion.objects_unscoped.select_related("plan", "company")
        .filter(pk=pk, company_id=organization.pk)
        .first()
    )
    return _served(version) if version else None


def employee_plan(actor, pk: int) -> ServedFile | None:
    person_id = actor.user.person_id if actor.user else None
    if person_id is None:
        return None
    companies = Employee.objects_unscoped.filter(person_id=person_id).values("company_id")
    version = (
        PlanVersion.objects_unscoped.select_related("plan", "company")
        .filter(
            pk=pk,
            company_id__in=companies,
            status__in=[PlanStatus.APPROVED, PlanStatus.CLOSED],
        )
        .first()
    )
    return _served(version) if version else None


def register() -> None:
    register_file_kind(PLAN_PDF, staff=staff_plan, citizen=employee_plan)
