"""A company plan's credit for an employee, made through the real services (used by the
settlement test, the e2e journey and the benchmark's set-up): an approved plan version of the
company, a company fund with the company's contribution, the employee's plan wallet
(Wallet source COMPANY_PLAN, source "corporate.planversion" / the version's id, the plan's
art. 51 categories) and the award."""

import datetime
import importlib

from django.apps import apps

from benecomune.core.actors import Actor
from benecomune.core.models import Company, Person
from benecomune.corporate.models import LegalBasis, PlanVersion
from benecomune.corporate.services import plans
from benecomune.corporate.spending import plan_categories
from benecomune.ledger.models import FundOrigin, Wallet, WalletSource
from benecomune.ledger.services import funds, wallets

PLAN_SOURCE_TYPE = "corporate.planversion"


def legal_basis(code: str) -> LegalBasis:
    """A legal basis of art. 51 (reference data of a data migration; a transactional test
    that ran before flushed it: load it again the way the migration does)."""
    found = LegalBasis.objects.filter(code=code).first()
    if found is None:
        migration = importlib.import_module("benecomune.corporate.migrations.0002_companies_plans")
        migration.load_legal_bases(apps, None)
        found = LegalBasis.objects.get(code=code)
    return found


def approved_plan(
    hr_operator: Actor, hr_admin: Actor, company: Company, *, year: int
) -> PlanVersion:
    version = plans.create_plan(
        hr_operator,
        company,
        name=f"Welfare {year}",
        starts_on=datetime.date(year, 1, 1),
        origin="company_contract",
    )
    plans.add_group(hr_operator, version, name="Tutti", credit=40_000)
    plans.set_rule(
        hr_operator,
        version,
        legal_basis=legal_basis("art51_c2_f"),
        delivery="platform",
    )
    plans.submit(hr_operator, version)
    return plans.approve(hr_admin, version)


def plan_wallet(
    system: Actor,
    version: PlanVersion,
    employee: Person,
    amount: int,
    *,
    valid_until: datetime.date,
    categories=(),
) -> Wallet:
    company = version.company
    fund = funds.create_fund(
        system,
        organization=company,
        name=f"Piano welfare {version.pk}",
        origin=FundOrigin.PRIVATE,
        legal_basis="Art. 51 TUIR",
    )
    funds.add_contribution(system, fund, contributor=company.name, amount=amount)
    wallet = wallets.open_wallet(
        system,
        person=employee,
        organization=company,
        title=f"Welfare aziendale {company.name}",
        source_kind=WalletSource.COMPANY_PLAN,
        source_type=PLAN_SOURCE_TYPE,
        source_id=str(version.pk),
        fund=fund,
        allowed_categories=plan_categories(categories),
        valid_until=valid_until,
    )
    funds.award(system, fund, wallet, amount)
    return wallet
