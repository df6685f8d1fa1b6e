"""Facts the rules engine is applied to: from an application, or from the registry (for the
dry run before publishing)."""

import datetime
from collections import defaultdict

from benecomune.calls import rules
from benecomune.calls.models import ApplicationMember, AwardStatus, Call, IseeRecord
from benecomune.core.models import Household, HouseholdMember, Person


def call_municipality_ids(call: Call) -> list[int]:
    """The Comuni whose residents may apply: the call's shares (a Comune's own call has one)."""
    ids = list(call.shares.values_list("municipality_id", flat=True))
    return ids or [call.organization_id]


def awarded_call_ids(fiscal_codes) -> frozenset[int]:
    """Calls in which any of these people already holds an active award, with every earlier
    version of those calls (an exclusion names the version that existed when it was set)."""
    ids = set(
        ApplicationMember.objects.filter(
            fiscal_code__in=list(fiscal_codes),
            active=True,
            application__award__status=AwardStatus.ACTIVE,
        ).values_list("call_id", flat=True)
    )
    return frozenset(ids | _earlier_versions(ids))


def _earlier_versions(call_ids) -> set[int]:
    found: set[int] = set()
    frontier = set(call_ids)
    while frontier:
        frontier = (
            set(
                Call.objects_unscoped.filter(
                    pk__in=frontier, previous_version__isnull=False
                ).values_list("previous_version_id", flat=True)
            )
            - found
        )
        found |= frontier
    return found


def facts_from_application(application) -> rules.HouseholdFacts:
    members = tuple(
        rules.MemberFacts(m.fiscal_code, m.birth_date, m.disability)
        for m in application.members.filter(active=True).order_by("pk")
    )
    return rules.HouseholdFacts(
        municipality_id=application.organization_id,
        members=members,
        isee_value=application.isee_value,
        isee_date=application.isee_date,
        awarded_calls=awarded_call_ids(m.fiscal_code for m in members) - {application.call_id},
    )


def household_people(person: Person) -> list[Person]:
    """The person and the members of their household in the registry."""
    member = HouseholdMember.objects.filter(person=person).first()
    if member is None:
        return [person]
    return [
        m.person
        for m in HouseholdMember.objects.filter(household_id=member.household_id)
        .select_related("person")
        .order_by("pk")
    ]


def registry_households(municipality_ids, on: datetime.date, chunk: int = 2000):
    """Yield HouseholdFacts for every household (and every person living alone, without a
    household record) resident in these Comuni, with a bounded number of queries per chunk."""
    household_ids = list(
        Household.objects_unscoped.filter(municipality_id__in=municipality_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(household_ids), chunk):
        ids = household_ids[start : start + chunk]
        rows = (
            HouseholdMember.objects.filter(household_id__in=ids)
            .order_by("household_id", "pk")
            .values_list(
                "household_id",
                "person__fiscal_code",
                "person__birth_date",
                "person__disability",
                "person__residence_id",
            )
        )
        grouped = defaultdict(list)
        residence = {}
        for household_id, code, birth, disability, residence_id in rows:
            grouped[household_id].append(rules.MemberFacts(code, birth, disability))
            residence.setdefault(household_id, residence_id)
        yield from _with_isee(
            [(residence[h], tuple(members)) for h, members in grouped.items()], on
        )
    alone = (
        Person.objects_unscoped.filter(residence_id__in=municipality_ids, membership__isnull=True)
        .order_by("pk")
        .values_list("fiscal_code", "birth_date", "disability", "residence_id")
    )
    batch = []
    for code, birth, disability, residence_id in alone.iterator(chunk_size=chunk):
        batch.append((residence_id, (rules.MemberFacts(code, birth, disability),)))
        if len(batch) >= chunk:
            yield from _with_isee(batch, on)
            batch = []
    yield from _with_isee(batch, on)


def _with_isee(households, on):
    codes = [m.fiscal_code for _, members in households for m in members]
    isee = {}
    for record in IseeRecord.objects.filter(
        fiscal_code__in=codes, issued_on__lte=on, issued_on__year=on.year
    ).order_by("issued_on"):
        isee[record.fiscal_code] = record  # newest wins
    awarded = defaultdict(set)
    for code, call_id in ApplicationMember.objects.filter(
        fiscal_code__in=codes, active=True, application__award__status=AwardStatus.ACTIVE
    ).values_list("fiscal_code", "call_id"):
        awarded[code].add(call_id)
    earlier = {}
    for ids in awarded.values():
        for call_id in list(ids):
            if call_id not in earlier:
                earlier[call_id] = _earlier_versions({call_id})
            ids |= earlier[call_id]
    for municipality_id, members in households:
        records = [isee[m.fiscal_code] for m in members if m.fiscal_code in isee]
        record = max(records, key=lambda r: r.issued_on) if records else None
        yield rules.HouseholdFacts(
            municipality_id=municipality_id,
            members=members,
            isee_value=record.value if record else None,
            isee_date=record.issued_on if record else None,
            awarded_calls=frozenset().union(*(awarded[m.fiscal_code] for m in members)),
        )


def award_wallet_rules(call: Call):
    """An unsaved wallet with the spending rules a funded application of `call` receives
    (what `services.award` writes in bulk): issuer, categories, territory, dates. Pages that
    tell where a call's voucher can be spent evaluate the ledger's rules on it."""
    from benecomune.core.models import Organization
    from benecomune.ledger.models import Wallet

    network = call.organization.kind == "network"
    wallet = Wallet(
        organization_id=call.fund.organization_id if call.fund_id else call.organization_id,
        title=call.title,
        allowed_categories=sorted(set(call.allowed_categories or [])),
        territory_network_id=call.organization_id if network else None,
        valid_from=call.spend_from,
        valid_until=call.spend_until,
        nominative=True,
    )
    territory = (
        [] if network else list(Organization.objects.filter(pk__in=call_municipality_ids(call)))
    )
    # check_spendable reads the territory from the prefetch cache of an unsaved wallet too.
    wallet._prefetched_objects_cache = {"territory_municipalities": territory}
    return wallet
