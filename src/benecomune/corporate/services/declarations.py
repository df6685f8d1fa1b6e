"""The employee's own declarations: fiscally dependent children (their codici fiscali, for
the higher fringe-benefit cap) and fringe benefits received from other sources in the year.
Only the employee declares, for themselves; HR reads them (company.view)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_fiscal_code, parse_fiscal_code
from benecomune.corporate.models import DependentChild, Employee, OtherFringeBenefit


def _own(actor: Actor, employee: Employee) -> None:
    if actor.user is None or actor.user.person_id != employee.person_id:
        raise PermissionDenied(_("Solo il dipendente può fare le proprie dichiarazioni."))


@transaction.atomic
def declare_child(
    actor: Actor, employee: Employee, *, fiscal_code: str, full_name: str, tax_year: int
) -> DependentChild:
    _own(actor, employee)
    errors: dict = {}
    code = normalize_fiscal_code(fiscal_code)
    try:
        parse_fiscal_code(code)
    except ValidationError as exc:
        errors["fiscal_code"] = exc.messages
    if code == employee.person.fiscal_code:
        errors["fiscal_code"] = [_("È il suo codice fiscale: indichi quello del figlio.")]
    full_name = " ".join((full_name or "").split())[:200]
    if not full_name:
        errors["full_name"] = [_("Indichi nome e cognome del figlio.")]
    this_year = timezone.localdate().year
    if tax_year not in (this_year - 1, this_year, this_year + 1):
        errors["tax_year"] = [_("L'anno d'imposta deve essere quello in corso o uno vicino.")]
    if (
        not errors
        and DependentChild.objects_unscoped.filter(
            employee=employee, tax_year=tax_year, fiscal_code=code
        ).exists()
    ):
        errors["fiscal_code"] = [
            _("Ha già dichiarato questo figlio per il %(year)s.") % {"year": tax_year}
        ]
    if errors:
        raise ValidationError(errors)
    child = DependentChild.objects_unscoped.create(
        company_id=employee.company_id,
        employee=employee,
        tax_year=tax_year,
        fiscal_code=code,
        full_name=full_name,
    )
    audit.record(
        actor,
        "employee.child_declared",
        employee,
        organization=employee.company_id,
        person=employee.person_id,
        after={"fiscal_code": code, "full_name": full_name, "tax_year": tax_year},
    )
    return child


@transaction.atomic
def withdraw_child(actor: Actor, child: DependentChild) -> None:
    employee = child.employee
    _own(actor, employee)
    before = {"fiscal_code": child.fiscal_code, "tax_year": child.tax_year}
    child.delete()
    audit.record(
        actor,
        "employee.child_withdrawn",
        employee,
        organization=employee.company_id,
        person=employee.person_id,
        before=before,
    )


@transaction.atomic
def declare_other_fringe_benefit(
    actor: Actor, employee: Employee, *, amount: int, source: str, received_on: date
) -> OtherFringeBenefit:
    """A fringe benefit received from another employer or source (cents)."""
    _own(actor, employee)
    errors: dict = {}
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = [_("L'importo deve essere più di zero.")]
    source = " ".join((source or "").split())[:200]
    if not source:
        errors["source"] = [_("Indichi da chi l'ha ricevuto.")]
    if not isinstance(received_on, date) or received_on > timezone.localdate():
        errors["received_on"] = [_("Indichi una data non futura.")]
    if errors:
        raise ValidationError(errors)
    benefit = OtherFringeBenefit.objects_unscoped.create(
        company_id=employee.company_id,
        employee=employee,
        amount=amount,
        source=source,
        received_on=received_on,
    )
    audit.record(
        actor,
        "employee.fringe_declared",
        employee,
        organization=employee.company_id,
        person=employee.person_id,
        after={"amount": amount, "source": source, "received_on": received_on.isoformat()},
    )
    return benefit
