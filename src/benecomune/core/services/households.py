"""A whole household registered at the desk in one step: its people (new ones registered, ones
already in the registry reused), their relationship to the head, the head. Built on the
registry's single-person services, so every person and member has its own audit event; one
transaction, so a bad row leaves nothing half-written."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
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


def _locked_member(actor: Actor, member: HouseholdMember) -> HouseholdMember:
    """The member's row, locked with its household's (one change to a household at a time),
    after checking the actor edits that Comune's registry."""
    household = Household.objects_unscoped.select_for_update().get(pk=member.household_id)
    actor.require("people.edit", household.municipality_id)
    member = (
        HouseholdMember.objects.select_for_update()
        .select_related("person")
        .filter(pk=member.pk, household=household)
        .first()
    )
    if member is None:
        raise ValidationError(
            _("La persona non fa più parte di questo nucleo: ricarichi la pagina.")
        )
    member.household = household
    return member


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": _("Indichi il motivo della modifica.")})
    return reason[:300]


def _record_relationship(actor, member: HouseholdMember, before: str, reason: str) -> None:
    audit.record(
        actor,
        "household.relationship_changed",
        member.household,
        organization=member.household.municipality,
        person=member.person,
        before={"person": member.person.fiscal_code, "relationship": before},
        after={"person": member.person.fiscal_code, "relationship": member.relationship},
        reason=reason,
    )


@transaction.atomic
def change_relationship(
    actor: Actor,
    member: HouseholdMember,
    relationship: str,
    *,
    reason: str,
    former_head_relationship: str = "",
) -> HouseholdMember:
    """Change a member's relationship to the head. Naming a member the head (intestatario)
    demotes the current head to `former_head_relationship`, in the same transaction; the head
    stops being the head only that way, so a household always has one. One audit event per
    member changed, with the reason."""
    member = _locked_member(actor, member)
    reason = _clean_reason(reason)
    _check_relationship(relationship)
    if relationship == member.relationship:
        raise ValidationError(
            {"relationship": _("La relazione indicata è già quella registrata: nulla da cambiare.")}
        )
    if member.relationship == Relationship.HEAD:
        raise ValidationError(
            {
                "relationship": _(
                    "%(name)s è l'intestatario della scheda: per cambiarlo indichi come "
                    "intestatario un altro componente del nucleo."
                )
                % {"name": member.person.full_name}
            }
        )
    changes: list[tuple[HouseholdMember, str]] = []
    if relationship == Relationship.HEAD:
        if former_head_relationship == Relationship.HEAD or (
            former_head_relationship not in Relationship.values
        ):
            raise ValidationError(
                {
                    "former_head_relationship": _(
                        "Indichi la nuova relazione dell'attuale intestatario con il nuovo."
                    )
                }
            )
        head = (
            HouseholdMember.objects.select_for_update()
            .select_related("person")
            .get(household=member.household, relationship=Relationship.HEAD)
        )
        head.household = member.household
        # The old head first: one head per household is a database constraint.
        changes.append((head, head.relationship))
        head.relationship = former_head_relationship
        head.save(update_fields=["relationship"])
    changes.append((member, member.relationship))
    member.relationship = relationship
    member.save(update_fields=["relationship"])
    for changed, before in changes:
        _record_relationship(actor, changed, before, reason)
    return member


@transaction.atomic
def remove_member(actor: Actor, member: HouseholdMember, *, reason: str) -> Person:
    """Take a person out of their household (moved out, registered in error). Only the row of
    the membership goes: the person stays in the registry with their history, and nothing
    else keys on that row (applications keep their own list of members and the household's
    id, bookings and wallets name the person). What the membership allows from now on is read
    live: a former housemate may no longer book or apply for them (bookings re-check it when
    a waiting-list place is accepted). The head leaves only after another member is named
    head (change_relationship)."""
    member = _locked_member(actor, member)
    reason = _clean_reason(reason)
    if member.relationship == Relationship.HEAD:
        raise ValidationError(
            _(
                "%(name)s è l'intestatario della scheda: prima di toglierlo dal nucleo indichi "
                "come intestatario un altro componente."
            )
            % {"name": member.person.full_name}
        )
    person = member.person
    before = {
        "person": person.fiscal_code,
        "relationship": member.relationship,
        "since": member.since.isoformat() if member.since else None,
    }
    member.delete()
    audit.record(
        actor,
        "household.member_removed",
        member.household,
        organization=member.household.municipality,
        person=person,
        before=before,
        reason=reason,
    )
    return person
