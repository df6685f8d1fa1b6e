"""Corporate welfare fixtures: HR actors of the three roles, a roster file builder with real
codici fiscali, and a plan built through the services."""

import datetime

import pytest
from codicefiscale import codicefiscale

from benecomune.core.models import Company, Role
from benecomune.corporate.models import LegalBasis
from benecomune.corporate.services import plans, roster

PEOPLE = [
    # first name, last name, sex, birth date, matricola, category, level, site, hired, part-time
    ("Luca", "Bianchi", "M", "03/04/1980", "MB001", "operaio", "3", "Piazzola", "01/03/2015", 100),
    ("Giulia", "Verdi", "F", "12/07/1985", "MB002", "impiegato", "5", "Piazzola", "15/09/2018", 50),
    ("Marco", "Neri", "M", "21/11/1975", "MB003", "quadro", "Q", "Limena", "01/01/2010", 100),
    ("Sara", "Gallo", "F", "05/02/1992", "MB004", "operaio", "2", "Limena", "01/06/2026", 100),
]
HEADER = (
    "codice_fiscale;matricola;nome;cognome;email;categoria;livello;sede;data_assunzione;"
    "data_cessazione;part_time;comune_residenza"
)


def fiscal_code(first, last, sex, birth):
    return codicefiscale.encode(
        lastname=last, firstname=first, gender=sex, birthdate=birth, birthplace="Padova"
    )


def roster_line(row, over):
    first, last, sex, birth, number, category, level, site, hired, part = row
    values = {
        "cf": fiscal_code(first, last, sex, birth),
        "number": number,
        "first": first,
        "last": last,
        "email": f"{first.lower()}.{last.lower()}@example.org",
        "category": category,
        "level": level,
        "site": site,
        "hired": hired,
        "left": "",
        "part": str(part),
        "residence": "028063",
    }
    values.update(over)
    return ";".join(values.values())


def roster_csv(people=PEOPLE, *, bom=False, overrides=None) -> bytes:
    overrides = overrides or {}
    lines = [HEADER]
    for index, row in enumerate(people):
        lines.append(roster_line(row, overrides.get(index, {})))
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


@pytest.fixture
def hr_admin(make_actor, company):
    return make_actor("admin.hr@example.org", Role.COMPANY_HR, company)


@pytest.fixture
def hr_admin2(make_actor, company):
    return make_actor("admin2.hr@example.org", Role.COMPANY_HR, company)


@pytest.fixture
def hr_operator(make_actor, company):
    return make_actor("operatore.hr@example.org", Role.COMPANY_HR_OPERATOR, company)


@pytest.fixture
def hr_auditor(make_actor, company):
    return make_actor("revisore.hr@example.org", Role.COMPANY_AUDITOR, company)


@pytest.fixture
def other_company(network):
    return Company.objects.create(
        name="Tessiture Euganee",
        slug="tessiture-euganee",
        vat_number="02987650286",
        network=network,
    )


@pytest.fixture
def imported(hr_operator, company, municipality):
    """The four employees of PEOPLE, imported through the roster service."""
    roster.import_roster(hr_operator, company, roster_csv(), base_url="http://testserver")
    return company


def pay(actor, request, amount=None, ref="CRO1", *, accept_excess=False, day=None):
    """A received transfer through the service (the request's amount unless given)."""
    from benecomune.corporate.services import funding

    return funding.record_payment(
        actor,
        request,
        amount=request.amount if amount is None else amount,
        received_on=day or datetime.date(2026, 2, 3),
        bank_reference=ref,
        accept_excess=accept_excess,
    )


def money_written(version) -> tuple:
    """What a recorded transfer writes: payments, ledger transfers, audit events, funded."""
    from benecomune.core.models import AuditEvent
    from benecomune.corporate.models import FundingPayment
    from benecomune.corporate.services import funding
    from benecomune.ledger.models import Transfer

    return (
        FundingPayment.objects_unscoped.count(),
        Transfer.objects_unscoped.count(),
        AuditEvent.objects_unscoped.filter(action="corporate.funding_received").count(),
        funding.plan_figures(version)["funded"],
    )


def basis(code: str) -> LegalBasis:
    return LegalBasis.objects.get(code=code)


@pytest.fixture
def draft_plan(hr_operator, company):
    version = plans.create_plan(
        hr_operator,
        company,
        name="Welfare 2026",
        starts_on=datetime.date(2026, 1, 1),
        origin="company_contract",
    )
    plans.add_group(hr_operator, version, name="Operai", category="operaio", credit=60_000)
    plans.add_group(hr_operator, version, name="Tutti gli altri", credit=40_000)
    plans.set_rule(hr_operator, version, legal_basis=basis("art51_c2_f"), delivery="platform")
    return version


@pytest.fixture
def approved_plan(draft_plan, hr_operator, hr_admin):
    plans.submit(hr_operator, draft_plan)
    return plans.approve(hr_admin, draft_plan)


# Plan wallets and the employee who spends them (tests of spending, claims and the fringe cap).
from tests.corporate.plan_wallet import employee, employee_actor  # noqa: E402, F401
from tests.ledger.conftest import make_provider  # noqa: E402, F401


def restore_reference_rows():
    """A transactional test's flush empties the data migrations' reference rows: put back the
    legal bases, bonus rules and fringe caps (the migrations' own functions, idempotent)."""
    from importlib import import_module

    from django.apps import apps

    migrations = "benecomune.corporate.migrations."
    import_module(migrations + "0002_companies_plans").load_legal_bases(apps, None)
    import_module(migrations + "0004_bonus").seed_rules(apps, None)
    import_module(migrations + "0005_spending").seed_caps(apps, None)


@pytest.fixture
def reference_rows(transactional_db):
    restore_reference_rows()
