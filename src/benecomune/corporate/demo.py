"""Demo data of Meccanica Brenta S.r.l.: its welfare profile, 15 employees imported through
the roster service (people of the network, found by codice fiscale) and an approved plan with
three groups, funded by one bank transfer against its pro-forma and allocated to the employees'
plan wallets (the same services HR uses); then the year in use (demo_activity.py): credit spent
at a cooperative, a summer-camp claim approved by HR, the payroll item codes, so that the
payroll export of the month shows them. Additive and idempotent: a second seed changes
nothing."""

import datetime

from django.db import transaction

from benecomune.core.models import Company, Person
from benecomune.corporate import demo_activity
from benecomune.corporate.models import (
    CompanyProfile,
    Employee,
    LegalBasis,
    PlanVersion,
    WelfarePlan,
)
from benecomune.corporate.roster_format import COLUMNS
from benecomune.corporate.services import allocation, companies, funding, plans, roster
from benecomune.marketplace import demo as marketplace_demo

EMPLOYEES = 15
DEMO_URL = "http://localhost:8000"
# matricola number -> (category, level, site, part-time %)
JOBS = [
    ("operaio", "3", "Piazzola sul Brenta", 100),
    ("operaio", "4", "Piazzola sul Brenta", 100),
    ("impiegato", "5", "Piazzola sul Brenta", 100),
    ("operaio", "3", "Limena", 100),
    ("impiegato", "6", "Limena", 50),
]


def _roster(people) -> bytes:
    lines = [";".join(c.key for c in COLUMNS)]
    for number, person in enumerate(people, start=1):
        category, level, site, part = JOBS[number % len(JOBS)]
        if number == len(people):
            category, level = "quadro", "Q"
        hired = datetime.date(2015 + number % 12, 1 + number % 12, 1)
        lines.append(
            ";".join(
                [
                    person.fiscal_code,
                    f"MB{number:04d}",
                    person.first_name,
                    person.last_name,
                    "",
                    category,
                    level,
                    site,
                    hired.strftime("%d/%m/%Y"),
                    "",
                    str(part),
                    "",
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode()


def seed(actor, network, rng):
    company = Company.objects.filter(network=network).order_by("pk").first()
    if company is None:
        return []
    if not WelfarePlan.objects_unscoped.filter(company=company).exists():
        _seed_plan(actor, network, rng, company)
    version = PlanVersion.objects_unscoped.filter(company=company, status="approved").first()
    if version is None:
        return []
    # The spending needs the cooperatives' catalogue (the marketplace's demo, idempotent).
    marketplace_demo.seed(actor, network, rng)
    with transaction.atomic():
        return demo_activity.seed(actor, company, network, version)


def _seed_plan(actor, network, rng, company):
    # A database seeded before plans existed has the employees already: keep the same people.
    people = [
        e.person
        for e in Employee.objects_unscoped.filter(company=company)
        .select_related("person")
        .order_by("employee_number")
    ]
    if not people:
        adults = [
            p
            for p in Person.objects_unscoped.filter(residence__network=network).order_by("pk")
            if 20 <= p.age_on(datetime.date(2026, 1, 1)) <= 64
        ]
        people = rng.sample(adults, EMPLOYEES)
    with transaction.atomic():
        if not CompanyProfile.objects_unscoped.filter(company=company).exists():
            companies.update_profile(
                actor, company, ateco_code="28.29.30", ccnl="metalmeccanico_industria"
            )
        roster.import_roster(actor, company, _roster(people), base_url=DEMO_URL)
        version = plans.create_plan(
            actor,
            company,
            name="Welfare 2026",
            starts_on=datetime.date(2026, 1, 1),
            origin="company_contract",
            binding=True,
            pro_rata="months_part_time",
        )
        plans.add_group(
            actor,
            version,
            name="Quadri con almeno 5 anni",
            category="quadro",
            min_seniority_months=60,
            credit=100_000,
        )
        plans.add_group(actor, version, name="Operai", category="operaio", credit=60_000)
        plans.add_group(actor, version, name="Tutti gli altri", credit=50_000)
        bases = {b.code: b for b in LegalBasis.objects.all()}
        for code, delivery, limit in [
            ("art51_c2_f", "platform", None),
            ("art51_c2_f_bis", "reimbursable", None),
            ("art51_c2_d_bis", "reimbursable", 40_000),
            ("art51_c3_goods", "platform", 25_000),
        ]:
            plans.set_rule(actor, version, legal_basis=bases[code], delivery=delivery, limit=limit)
        plans.submit(actor, version)
        version = plans.approve(actor, version)
    with transaction.atomic():
        (request,) = funding.request_funding(actor, version, schedule="single")
        funding.record_payment(
            actor,
            request,
            amount=request.amount,
            received_on=datetime.date(2026, 1, 20),
            bank_reference="DEMO-CRO-0001",
            accept_excess=False,
        )
        allocation.allocate(actor, version)
