"""Plan wallets for the spending tests, opened through the ledger's real services (the
allocation service of the funding work replaces this at merge): a company fund with money, a
wallet of source company_plan for one employee and an approved plan version."""

import datetime

import pytest

from benecomune.corporate.models import Employee, LegalBasis
from benecomune.corporate.plan_wallets import SOURCE_TYPE
from benecomune.corporate.services import plans
from benecomune.corporate.spending import plan_categories
from benecomune.ledger.models import FundOrigin, WalletSource
from benecomune.ledger.services import funds, wallets
from tests.helpers import actor_for
from tests.payouts.conftest import receipt  # noqa: F401 (a small PDF upload)


def basis(code: str) -> LegalBasis:
    return LegalBasis.objects.get(code=code)


def approved_version(hr_operator, hr_admin, company, rules, *, name="Welfare 2026"):
    """rules: (code, delivery, limit) triples."""
    version = plans.create_plan(
        hr_operator,
        company,
        name=name,
        starts_on=datetime.date(2026, 1, 1),
        origin="company_contract",
    )
    plans.add_group(hr_operator, version, name="Tutti", credit=200_000)
    for code, delivery, limit in rules:
        plans.set_rule(
            hr_operator, version, legal_basis=basis(code), delivery=delivery, limit=limit
        )
    plans.submit(hr_operator, version)
    return plans.approve(hr_admin, version)


def open_plan_wallet(system_actor, version, employee: Employee, amount: int):
    company = version.company
    fund = funds.create_fund(
        system_actor,
        organization=company,
        name=f"Piano {version.pk}",
        origin=FundOrigin.PRIVATE,
        legal_basis="Regolamento welfare",
    )
    funds.add_contribution(system_actor, fund, contributor=company.name, amount=amount)
    wallet = wallets.open_wallet(
        system_actor,
        person=employee.person,
        organization=company,
        title="Welfare aziendale",
        source_kind=WalletSource.COMPANY_PLAN,
        source_type=SOURCE_TYPE,
        source_id=str(version.pk),
        fund=fund,
        allowed_categories=plan_categories(version=version),
        valid_from=version.starts_on,
        valid_until=version.ends_on,
    )
    funds.award(system_actor, fund, wallet, amount)
    return wallet


@pytest.fixture
def employee(imported):
    return Employee.objects_unscoped.select_related("person").get(
        company=imported, employee_number="MB001"
    )


@pytest.fixture
def employee_actor(make_user, employee):
    user = make_user("luca.bianchi@example.org", person=employee.person)
    return actor_for(user)
