"""Registry use cases: people, households, payment data."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import (
    check_fiscal_code_matches,
    fiscal_code_mismatches,
    normalize_fiscal_code,
    normalize_iban,
    validate_iban,
)
from benecomune.core.models import Household, HouseholdMember, Municipality, Person, Relationship
from benecomune.core.notifications import notify_person

PERSON_FIELDS = ["fiscal_code", "first_name", "last_name", "email", "phone", "address", "residence"]


@transaction.atomic
def register_person(
    actor: Actor,
    *,
    fiscal_code: str,
    first_name: str,
    last_name: str,
    residence: Municipality,
    email: str = "",
    phone: str = "",
    address: str = "",
    certified_identity: bool = False,
) -> Person:
    """`certified_identity`: the name and the code come together from a digital identity
    (SPID/CIE), which is authoritative even when the code does not encode the name (a code
    issued with an error stays valid; a name changed later keeps its code)."""
    actor.require("people.edit", residence)
    code = normalize_fiscal_code(fiscal_code)
    if Person.objects_unscoped.filter(fiscal_code=code).exists():
        raise ValidationError(
            {
                "fiscal_code": _("Una persona con codice fiscale %(code)s è già registrata.")
                % {"code": code}
            }
        )
    if not certified_identity:
        # Whoever registers someone types the name next to the code: a surname or name the
        # code does not encode is a typo in one of them, refused before anything is written.
        check_fiscal_code_matches(code, first_name=first_name, last_name=last_name)
    return _register(actor, code, first_name, last_name, residence, email, phone, address)


def _register(actor, code, first_name, last_name, residence, email="", phone="", address=""):
    person = Person(
        fiscal_code=code,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        residence=residence,
        email=email.strip().lower(),
        phone=phone.strip(),
        address=address.strip(),
    )
    # Uniqueness was checked by the caller across every Comune; the model's own check would
    # only see the current tenant.
    person.full_clean(validate_unique=False)
    person.save()
    audit.record(
        actor,
        "person.registered",
        person,
        organization=residence,
        person=person,
        after=audit.snapshot(person, PERSON_FIELDS),
    )
    return person


def ensure_person(
    actor: Actor,
    *,
    fiscal_code: str,
    first_name: str,
    last_name: str,
    residence: Municipality | None,
    email: str = "",
) -> tuple[Person, bool]:
    """The person of this codice fiscale, registered when unknown: (person, created). Never a
    second person for one code. No permission check: for services that checked their own
    (a company importing its roster registers its employees, never edits a known person)."""
    code = normalize_fiscal_code(fiscal_code)
    person = Person.objects_unscoped.select_for_update().filter(fiscal_code=code).first()
    if person is not None:
        return person, False
    if residence is None:
        raise ValidationError(
            {"residence": _("Indichi il Comune di residenza di chi non è ancora registrato.")}
        )
    check_fiscal_code_matches(code, first_name=first_name, last_name=last_name)
    return _register(actor, code, first_name, last_name, residence, email), True


def ensure_people(actor: Actor, wanted: list[dict]) -> dict[str, Person]:
    """`ensure_person` for many at once (a company's roster): {codice fiscale: person}.
    `wanted` holds dicts of ensure_person's keywords; the unknown are checked like one by one
    and registered with multi-row INSERTs, each with its `person.registered` event. Known
    people are locked (select_for_update) and never changed. Inside the caller's transaction."""
    from benecomune.core.bulk import BATCH

    codes = {normalize_fiscal_code(w["fiscal_code"]): w for w in wanted}
    found = {
        p.fiscal_code: p
        for p in Person.objects_unscoped.select_for_update().filter(fiscal_code__in=list(codes))
    }
    new = []
    for code, w in codes.items():
        if code in found:
            continue
        if w.get("residence") is None:
            raise ValidationError(
                {"residence": _("Indichi il Comune di residenza di chi non è ancora registrato.")}
            )
        wrong = fiscal_code_mismatches(code, first_name=w["first_name"], last_name=w["last_name"])
        if wrong:
            raise ValidationError({field: f"{code}: {message}" for field, message in wrong.items()})
        person = Person(
            fiscal_code=code,
            first_name=w["first_name"].strip(),
            last_name=w["last_name"].strip(),
            residence=w["residence"],
            email=w.get("email", "").strip().lower(),
        )
        # Uniqueness: checked above, across every Comune; the residence is a row just read
        # (its per-person existence query would be one round trip each).
        person.full_clean(exclude=["residence"], validate_unique=False)
        new.append(person)
    try:
        with transaction.atomic():
            Person.objects_unscoped.bulk_create(new, batch_size=BATCH)
    except IntegrityError as exc:  # registered meanwhile by another operation, after our read
        raise ValidationError(
            _(
                "Alcune persone del file sono state registrate proprio ora da un'altra "
                "operazione: ripeta l'importazione, non è stato salvato nulla."
            )
        ) from exc
    audit.record_many(
        actor,
        "person.registered",
        [(p, p.residence_id, p.pk, audit.snapshot(p, PERSON_FIELDS), str(p)) for p in new],
    )
    found.update((p.fiscal_code, p) for p in new)
    return found


@transaction.atomic
def update_contacts(
    actor: Actor, person: Person, *, email: str, phone: str, address: str, reason: str = ""
) -> Person:
    if not (actor.user and actor.user.person_id == person.pk):
        actor.require("people.edit", person.residence_id)
    person = Person.objects_unscoped.select_for_update().get(pk=person.pk)
    before = audit.snapshot(person, ["email", "phone", "address"])
    person.email, person.phone, person.address = (
        email.strip().lower(),
        phone.strip(),
        address.strip(),
    )
    person.full_clean(validate_unique=False)
    person.save(update_fields=["email", "phone", "address", "updated_at"])
    audit.record(
        actor,
        "person.contacts_changed",
        person,
        organization=person.residence,
        person=person,
        before=before,
        after=audit.snapshot(person, ["email", "phone", "address"]),
        reason=reason,
    )
    return person


def household_of(person: Person) -> Household | None:
    member = HouseholdMember.objects.filter(person=person).select_related("household").first()
    return member.household if member else None


@transaction.atomic
def set_payment_account(
    actor: Actor, person: Person, *, iban: str, holder: str, reason: str = ""
) -> Person:
    """Set the IBAN payouts go to. The holder must be the person or a household member."""
    if not (actor.user and actor.user.person_id == person.pk):
        actor.require("people.edit", person.residence_id)
    iban = normalize_iban(iban)
    validate_iban(iban)
    holder = " ".join(holder.split())
    allowed = {person.full_name.casefold(), str(person).casefold()}
    household = household_of(person)
    if household:
        for member in household.members.select_related("person"):
            allowed |= {member.person.full_name.casefold(), str(member.person).casefold()}
    if holder.casefold() not in allowed:
        raise ValidationError(
            {
                "iban_holder": _(
                    "L'intestatario del conto deve essere il richiedente o un "
                    "componente del suo nucleo familiare."
                )
            }
        )
    person = Person.objects_unscoped.select_for_update().get(pk=person.pk)
    before = {"iban": person.iban, "iban_holder": person.iban_holder}
    person.iban, person.iban_holder = iban, holder
    person.save(update_fields=["iban", "iban_holder", "updated_at"])
    audit.record(
        actor,
        "person.iban_changed",
        person,
        organization=person.residence,
        person=person,
        before=before,
        after={"iban": iban, "iban_holder": holder},
        reason=reason,
    )
    notify_person(
        person,
        subject=_("Dati di pagamento aggiornati"),
        body=_(
            "Il conto su cui riceverà i pagamenti è stato cambiato: IBAN che termina "
            "con %(tail)s. Se non è stato lei, contatti subito il suo Comune."
        )
        % {"tail": iban[-4:]},
    )
    return person


@transaction.atomic
def create_household(actor: Actor, *, head: Person, address: str) -> Household:
    actor.require("people.edit", head.residence_id)
    if HouseholdMember.objects.filter(person=head).exists():
        raise ValidationError(_("%(name)s fa già parte di un nucleo familiare.") % {"name": head})
    household = Household.objects_unscoped.create(municipality=head.residence, address=address)
    HouseholdMember.objects.create(household=household, person=head, relationship=Relationship.HEAD)
    audit.record(
        actor,
        "household.created",
        household,
        organization=head.residence,
        person=head,
        after={"head": head.fiscal_code, "address": address},
    )
    return household


@transaction.atomic
def add_household_member(
    actor: Actor, household: Household, person: Person, relationship: str
) -> HouseholdMember:
    actor.require("people.edit", household.municipality_id)
    if relationship == Relationship.HEAD:
        raise ValidationError(_("Il nucleo ha già un intestatario."))
    if relationship not in Relationship.values:
        raise ValidationError(_("Relazione con l'intestatario non valida."))
    if HouseholdMember.objects.filter(person=person).exists():
        raise ValidationError(_("%(name)s fa già parte di un nucleo familiare.") % {"name": person})
    if person.residence_id != household.municipality_id:
        raise ValidationError(_("La persona non risulta residente nel Comune del nucleo."))
    member = HouseholdMember.objects.create(
        household=household, person=person, relationship=relationship
    )
    audit.record(
        actor,
        "household.member_added",
        household,
        organization=household.municipality_id and household.municipality,
        person=person,
        after={"person": person.fiscal_code, "relationship": relationship},
    )
    return member
