"""Conflicts of interest: nobody on the staff decides about money or rights that go to
themselves or to their household. One rule, used by the review of applications
(calls.services.review.common) and by payout batches (payouts.services.batches)."""

from collections.abc import Iterable

from benecomune.core.actors import Actor
from benecomune.core.models import HouseholdMember


def own_household_codes(actor: Actor) -> frozenset[str]:
    """Codici fiscali of the acting person and of everyone in their household (civil
    registry); empty for an actor who is no person (a device, a system task)."""
    user = actor.user
    person = getattr(user, "person", None) if user is not None else None
    if person is None:
        return frozenset()
    # The registry household may belong to another Comune's tenant: read by person, no scope.
    household = HouseholdMember.objects.filter(person=person).values("household_id")
    housemates = HouseholdMember.objects.filter(household_id__in=household).values_list(
        "person__fiscal_code", flat=True
    )
    return frozenset({person.fiscal_code, *housemates})


def concerns_own_household(actor: Actor, fiscal_codes: Iterable[str]) -> bool:
    """True if any of these people is the actor or in the actor's household."""
    own = own_household_codes(actor)
    return bool(own) and any(code.upper() in own for code in fiscal_codes if code)
