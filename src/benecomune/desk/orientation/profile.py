"""The person's profile orientation reads: age, household, residence, ISEE when known,
employer, wallets and their balances. Anything not known is said so (`unknowns`), never
guessed."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.models import IseeRecord
from benecomune.calls.services.facts import awarded_call_ids, household_people
from benecomune.core.models import Person
from benecomune.marketplace.models import TargetGroup

ELDERLY_AGE = 65
YOUNG_AGE = 30


@dataclass
class Profile:
    person: Person | None
    on: datetime.date
    age: int | None = None
    residence: object = None  # core.Municipality
    members: list = field(default_factory=list)  # the household's people (the person first)
    facts: engine.HouseholdFacts | None = None
    isee_value: int | None = None
    employers: list = field(default_factory=list)  # core.Company
    wallets: list = field(default_factory=list)  # ledger.Wallet with `available`
    targets: set = field(default_factory=set)  # marketplace TargetGroup values

    @property
    def isee_known(self) -> bool:
        return self.isee_value is not None


def _targets(person, members, on) -> set[str]:
    ages = [engine.age_on(m.birth_date, on) for m in members]
    own = engine.age_on(person.birth_date, on)
    targets = {TargetGroup.ADULTS if own >= engine.ADULT_AGE else TargetGroup.MINORS}
    if own >= ELDERLY_AGE:
        targets.add(TargetGroup.ELDERLY)
    if engine.ADULT_AGE <= own < YOUNG_AGE:
        targets.add(TargetGroup.YOUNG)
    if any(a < engine.ADULT_AGE for a in ages):
        targets |= {TargetGroup.PARENTS, TargetGroup.MINORS}
    if any(a < 6 for a in ages):
        targets.add(TargetGroup.CHILDREN_0_6)
    if any(m.disability for m in members):
        targets |= {TargetGroup.DISABILITY, TargetGroup.CAREGIVERS}
    if any(engine.age_on(m.birth_date, on) >= engine.OLD_AGE for m in members if m != person):
        targets.add(TargetGroup.CAREGIVERS)
    return {str(t) for t in targets}


def _isee(codes, on):
    record = (
        IseeRecord.objects.filter(fiscal_code__in=codes, issued_on__lte=on, issued_on__year=on.year)
        .order_by("-issued_on")
        .first()
    )
    return record


def profile_of(person: Person | None, on: datetime.date | None = None) -> Profile:
    """The profile of a case's person (an anonymous contact: an empty profile)."""
    on = on or timezone.localdate()
    if person is None:
        return Profile(person=None, on=on)
    from benecomune.corporate.models import Employee
    from benecomune.payments.services.planning import person_wallets

    members = household_people(person)
    codes = [m.fiscal_code for m in members]
    record = _isee(codes, on)
    facts = engine.HouseholdFacts(
        municipality_id=person.residence_id,
        members=tuple(
            engine.MemberFacts(m.fiscal_code, m.birth_date, m.disability) for m in members
        ),
        isee_value=record.value if record else None,
        isee_date=record.issued_on if record else None,
        awarded_calls=awarded_call_ids(codes),
    )
    employers = [
        e.company
        for e in Employee.objects_unscoped.filter(person=person, left_on__isnull=True)
        .select_related("company")
        .order_by("pk")
    ]
    return Profile(
        person=person,
        on=on,
        age=engine.age_on(person.birth_date, on),
        residence=person.residence,
        members=members,
        facts=facts,
        isee_value=record.value if record else None,
        employers=employers,
        wallets=person_wallets(person),
        targets=_targets(person, members, on),
    )


def profile_unknowns(profile: Profile) -> list[str]:
    """What the platform does not know about the person, said once for the whole list."""
    if profile.person is None:
        return [_("Contatto anonimo: senza codice fiscale non si verificano bandi né buoni.")]
    unknowns = []
    if not profile.isee_known:
        unknowns.append(_("ISEE non disponibile per l'anno in corso."))
    if profile.residence is None:
        unknowns.append(_("Comune di residenza non indicato."))
    return unknowns
