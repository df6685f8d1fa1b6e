"""The company's payroll item codes (issue 17 point 7): HR admin or operator sets them on the
mapping page; every change is audited with before/after. Only codes that differ from the
default are stored, so a company that keeps the defaults has no rows."""

from django.core.exceptions import ValidationError
from django.db import transaction

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.corporate.models import LegalBasis, PayrollItemCode
from benecomune.corporate.payroll_codes import check_code, default_code, mapping_for


def field_name(basis_code: str, taxable: bool, from_bonus: bool) -> str:
    return f"{basis_code}__{'t' if taxable else 'e'}__{'b' if from_bonus else 'n'}"


@transaction.atomic
def set_item_codes(actor: Actor, company, codes: dict[tuple[str, bool, bool], str]) -> int:
    """Save the codes given ((basis, taxable, bonus) -> code); returns how many changed. Any
    invalid code: ValidationError (per field) and nothing is written."""
    actor.require("company.employees", company)
    current = mapping_for(company.pk)
    bases = {b.code: b for b in LegalBasis.objects.all()}
    errors, changes = {}, {}
    for key, raw in codes.items():
        if key[0] not in bases:
            continue
        try:
            code = check_code(raw)
        except ValueError as exc:
            errors[field_name(*key)] = str(exc)
            continue
        if code != current.get(key):
            changes[key] = code
    if errors:
        raise ValidationError(errors)
    for (basis_code, taxable, bonus), code in changes.items():
        rows = PayrollItemCode.objects_unscoped.filter(
            company_id=company.pk, legal_basis=bases[basis_code], taxable=taxable, from_bonus=bonus
        )
        if code == default_code(basis_code, taxable, bonus):
            rows.delete()
        elif not rows.update(code=code, updated_by=actor.user):
            PayrollItemCode.objects_unscoped.create(
                company_id=company.pk,
                legal_basis=bases[basis_code],
                taxable=taxable,
                from_bonus=bonus,
                code=code,
                updated_by=actor.user,
            )
    if changes:
        audit.record(
            actor,
            "corporate.payroll_codes_set",
            company,
            organization=company,
            before={field_name(*k): current.get(k) for k in changes},
            after={field_name(*k): v for k, v in changes.items()},
        )
    return len(changes)
