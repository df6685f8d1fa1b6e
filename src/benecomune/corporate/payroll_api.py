"""Payroll export API, /api/v1/payroll/export?period=AAAA-MM[&plan=<id>]: the same rows and
totals as HR's page, as JSON, for the company's payroll software. Auth: a bearer token of the
company (created by the HR admin on *Integrazioni (API)*). Errors are JSON `{"code", "message"}`
with an Italian message; another company's plan is 404. Each call is audited."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from benecomune.api.auth import DeviceTokenAuth
from benecomune.api.main import ErrorOut, add_app_router
from benecomune.core.actors import Actor
from benecomune.core.middleware import client_ip
from benecomune.core.models import OrganizationKind
from benecomune.corporate import payroll_files
from benecomune.corporate.models import WelfarePlan
from benecomune.corporate.services import payroll_export

router = Router(tags=["paghe"], auth=DeviceTokenAuth())


class RowOut(Schema):
    employee_number: str
    fiscal_code: str
    last_name: str
    first_name: str
    plan: str
    item_code: str = Field(..., description="Voce del cedolino (mappatura dell'azienda)")
    legal_basis: str
    legal_reference: str
    exempt: int = Field(..., description="Importo esente, centesimi")
    taxable: int = Field(..., description="Importo imponibile, centesimi")
    from_bonus_conversion: bool
    expense_year: int | None = Field(None, description="Rimborsi: anno della spesa (CU 701)")


class TotalOut(Schema):
    legal_basis: str
    legal_reference: str
    from_bonus_conversion: bool
    exempt: int
    taxable: int


class ExportOut(Schema):
    company_id: int
    company: str
    period: str
    plan_id: int | None
    rows: list[RowOut]
    totals: list[TotalOut]
    total_exempt: int
    total_taxable: int


def _error(status: int, code: str, message: str):
    return Status(status, {"code": code, "message": message})


@router.get(
    "/export",
    response={200: ExportOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Voci welfare per le paghe di un mese",
)
def export(request, period: str = "", plan: str = ""):
    organization = request.auth.organization
    actor = Actor.for_device(request.auth, client_ip(request))
    if organization.kind != OrganizationKind.COMPANY or not actor.has_perm(
        "company.view", organization
    ):
        return _error(403, "forbidden", _("Il token non permette questa operazione."))
    company = organization.specific
    try:
        pay_period = payroll_export.parse_period(period)
    except ValidationError as exc:
        return _error(400, "bad_period", " ".join(exc.messages))
    chosen = None
    if plan:
        chosen = (
            WelfarePlan.objects_unscoped.filter(pk=int(plan), company_id=company.pk).first()
            if plan.isdigit()
            else None
        )
        if chosen is None:
            return _error(404, "not_found", _("Piano inesistente."))
    result = payroll_export.build_export(actor, company, pay_period, chosen)
    payroll_export.record_export(actor, result, "api")
    return Status(200, payroll_files.as_json(result))


add_app_router("payroll", router)
