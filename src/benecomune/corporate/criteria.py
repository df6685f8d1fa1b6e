"""Beneficiary groups by objective criteria only (art. 51 c.2 lett. f and art. 100 TUIR:
"categorie di dipendenti"): category, level, site, seniority. A group naming a person (a
codice fiscale, a matricola, the name of an employee of the company) is refused."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from benecomune.corporate.models import Employee, EmployeeCategory

FISCAL_CODE_LIKE = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z]", re.I)

AD_PERSONAM = _(
    "Il gruppo «%(group)s» nomina una persona (%(what)s): un piano di welfare si rivolge a "
    "categorie di dipendenti con criteri oggettivi (categoria, livello, sede, anzianità), "
    "mai a persone nominate."
)


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^\w]+", text.casefold()) if w}


def check_not_ad_personam(company, *, name: str, level: str, site: str) -> None:
    """Raise (Italian) when a group's free text names one of the company's employees."""
    texts = {"name": name, "level": level, "site": site}
    for field, text in texts.items():
        if FISCAL_CODE_LIKE.search(text or ""):
            raise ValidationError(
                {field: AD_PERSONAM % {"group": name, "what": _("un codice fiscale")}}
            )
    employees = Employee.objects_unscoped.filter(company=company).select_related("person")
    for field, text in texts.items():
        words = _words(text or "")
        if not words:
            continue
        for employee in employees:
            if employee.employee_number.casefold() in words:
                raise ValidationError(
                    {field: AD_PERSONAM % {"group": name, "what": _("una matricola")}}
                )
            person = employee.person
            if {person.first_name.casefold(), person.last_name.casefold()} <= words or (
                person.fiscal_code.casefold() in words
            ):
                raise ValidationError(
                    {field: AD_PERSONAM % {"group": name, "what": _("il nome di un dipendente")}}
                )


def check_criteria(company, *, name: str, category: str, level: str, site: str) -> None:
    errors = {}
    if not (name or "").strip():
        errors["name"] = [_("Dia un nome al gruppo, per esempio «Operai della sede di Padova».")]
    if category and category not in EmployeeCategory.values:
        errors["category"] = [_("Categoria non valida.")]
    if errors:
        raise ValidationError(errors)
    check_not_ad_personam(company, name=name, level=level, site=site)
