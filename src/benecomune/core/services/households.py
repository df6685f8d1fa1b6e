"""A whole household registered at the desk in one step: its people (new ones registered, ones
already in the registry reused), their relationship to the head, the head. Built on the
registry's single-person services, so every person and member has its own audit event; one
transaction, so a bad row leaves nothing half-written."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_fiscal_code, parse_fiscal_code
from benecomune.core.models import Household, HouseholdMember, Municipality, Person, Relationship
from benecomune.core.services.people import (
    add_household_member,
    create_household,
    register_person,
)


@dataclass(frozen=True)
class MemberData:
    fiscal_code: str
    relationship: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""


def _person_for(actor: Actor, municipality: Municipality, row: MemberData, address: str):
    """The registry's person with this codice fiscale, or a new one resident in `municipality`."""
    code = normalize_fiscal_code(row.fiscal_code)
    parse_fiscal_code(code)
    person = Person.objects_unscoped.filter(fiscal_code=code).first()
    if person is not None:
        if person.residence_id != municipality.pk:
            raise ValidationError(
                _("%(name)s risulta residente in un altro Comune: non può entrare nel nucleo.")
                % {"name": person.full_name}
            )
        if HouseholdMember.objects.filter(person=person).exists():
            raise ValidationError(
                _("%(name)s fa già parte di un nucleo familiare.") % {"name": person.full_name}
            )
        return person
    if not row.first_name.strip() or not row.last_name.strip():
        raise ValidationError(
            _("%(code)s non è ancora in anagrafe: indichi nome e cognome.") % {"code": code}
        )
    return register_person(
        actor,
        fiscal_code=code,
        first_name=row.first_name,
        last_name=row.last_name,
        residence=municipality,
        email=row.email,
        phone=row.phone,
        address=address,
    )


def _check_relationship(relationship: str) -> None:
    if relationship not in Relationship.values:
        raise ValidationError(_("Relazione con l'intestatario non valida."))


@transaction.atomic
def register_household(
    actor: Actor, *, municipality: Municipality, address: str, members: list[MemberData]
) -> Household:
    """Register a household with its members. Errors are collected per row and raised as
    {"members-<i>": [...]} (row index in `members`); nothing is saved if any row fails."""
    actor.require("people.edit", municipality)
    address = " ".join((address or "").split())
    if not address:
        raise ValidationError({"address": _("Indichi l'indirizzo del nucleo.")})
    if not members:
        raise ValidationError(_("Indichi almeno l'intestatario della scheda."))
    heads = [i for i, row in enumerate(members) if row.relationship == Relationship.HEAD]
    if len(heads) != 1:
        raise ValidationError(
            _("Il nucleo deve avere un solo intestatario della scheda (ne sono indicati %(n)s).")
            % {"n": len(heads)}
        )
    errors: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    people: list[Person | None] = []
    for index, row in enumerate(members):
        code = normalize_fiscal_code(row.fiscal_code)
        try:
            _check_relationship(row.relationship)
            if code in seen:
                raise ValidationError(
                    _("Il codice fiscale %(code)s è già indicato alla riga %(row)s.")
                    % {"code": code, "row": seen[code] + 1}
                )
            seen[code] = index
            # A savepoint per row: a failed row rolls back alone, the others are still checked.
            with transaction.atomic():
                people.append(_person_for(actor, municipality, row, address))
        except ValidationError as exc:
            errors[f"members-{index}"] = exc.messages
            people.append(None)
    if errors:
        raise ValidationError(errors)
    head = people[heads[0]]
    household = create_household(actor, head=head, address=address)
    for row, person in zip(members, people, strict=True):
        if row.relationship != Relationship.HEAD:
            add_household_member(actor, household, person, row.relationship)
    return household


@transaction.atomic
def add_member(actor: Actor, household: Household, row: MemberData) -> HouseholdMember:
    """Add a person (registered now if new) to an existing household."""
    household = Household.objects_unscoped.select_for_update().get(pk=household.pk)
    actor.require("people.edit", household.municipality_id)
    _check_relationship(row.relationship)
    if row.relationship == Relationship.HEAD:
        raise ValidationError({"relationship": _("Il nucleo ha già un intestatario.")})
    person = _person_for(actor, household.municipality, row, household.address)
    return add_household_member(actor, household, person, row.relationship)
