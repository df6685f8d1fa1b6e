"""Residence (ANPR) and ISEE (INPS) behind small interfaces.

Until the platform is connected to ANPR and to INPS through PDND, the registry adapters answer
from the platform's own data: the people registry for residence and household, and `IseeRecord`
rows for ISEE attestations. Settings `CALLS_RESIDENCE_ADAPTER` and `CALLS_ISEE_ADAPTER` name the
classes to use, so a real client replaces these without touching the services.
"""

import dataclasses
import datetime

from django.conf import settings
from django.utils.module_loading import import_string

from benecomune.core.models import HouseholdMember, Person


@dataclasses.dataclass(frozen=True)
class ResidenceAnswer:
    found: bool
    municipality_id: int | None = None
    household_fiscal_codes: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class IseeAnswer:
    found: bool
    value: int | None = None
    protocol: str = ""
    issued_on: datetime.date | None = None


class ResidenceAdapter:
    def lookup(self, fiscal_code: str) -> ResidenceAnswer:
        raise NotImplementedError


class IseeAdapter:
    def lookup(self, fiscal_code: str, on: datetime.date) -> IseeAnswer:
        raise NotImplementedError


class RegistryResidenceAdapter(ResidenceAdapter):
    """ANPR stand-in: the Comune of residence and the household from the people registry."""

    def lookup(self, fiscal_code: str) -> ResidenceAnswer:
        person = Person.objects_unscoped.filter(fiscal_code=fiscal_code).first()
        if person is None:
            return ResidenceAnswer(found=False)
        member = HouseholdMember.objects.filter(person=person).first()
        codes = {fiscal_code}
        if member is not None:
            codes |= set(
                HouseholdMember.objects.filter(household_id=member.household_id).values_list(
                    "person__fiscal_code", flat=True
                )
            )
        return ResidenceAnswer(
            found=True, municipality_id=person.residence_id, household_fiscal_codes=frozenset(codes)
        )


class RegistryIseeAdapter(IseeAdapter):
    """INPS stand-in: the newest attestation of the year for the declarant or any member."""

    def lookup(self, fiscal_code: str, on: datetime.date) -> IseeAnswer:
        from benecomune.calls.models import IseeRecord

        record = (
            IseeRecord.objects.filter(
                fiscal_code=fiscal_code, issued_on__lte=on, issued_on__year=on.year
            )
            .order_by("-issued_on")
            .first()
        )
        if record is None:
            return IseeAnswer(found=False)
        return IseeAnswer(
            found=True, value=record.value, protocol=record.protocol, issued_on=record.issued_on
        )


def residence_adapter() -> ResidenceAdapter:
    path = getattr(
        settings, "CALLS_RESIDENCE_ADAPTER", "benecomune.calls.adapters.RegistryResidenceAdapter"
    )
    return import_string(path)()


def isee_adapter() -> IseeAdapter:
    path = getattr(settings, "CALLS_ISEE_ADAPTER", "benecomune.calls.adapters.RegistryIseeAdapter")
    return import_string(path)()
