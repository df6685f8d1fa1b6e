"""A year of a plan, through the real services, for the payroll export's tests: the four
employees of the roster, a plan (f, f-bis reimbursable, lett. a) approved, funded against its
pro-forma and allocated; MB001 buys a provider's service at the checkout (captured when the
provider delivers, then partly refunded), claims a summer camp for a declared child (HR
accepts part of it) and asks for a health-fund contribution (HR passes it to payroll)."""

import datetime

from django.utils import timezone

from benecomune.bookings.services import order_delivery, orders
from benecomune.corporate.models import LegalBasis, PayrollRequest
from benecomune.corporate.plan_wallets import plan_wallets_of
from benecomune.corporate.services import (
    allocation,
    claims,
    declarations,
    funding,
    payroll_requests,
    plans,
)
from benecomune.payouts.services import claim_review
from tests.corporate.conftest import fiscal_code
from tests.payouts.conftest import receipt

CHILD_CF = fiscal_code("Anna", "Bianchi", "F", "01/06/2015")


def funded_plan(hr_operator, hr_admin, company, *, name="Welfare"):
    today = timezone.localdate()
    version = plans.create_plan(
        hr_operator,
        company,
        name=name,
        starts_on=datetime.date(today.year, 1, 1),
        origin="company_contract",
    )
    plans.add_group(hr_operator, version, name="Tutti", credit=100_000)
    for code, delivery in [
        ("art51_c2_f", "platform"),
        ("art51_c2_f_bis", "reimbursable"),
        ("art51_c2_a", "platform"),
        ("art51_c3_utilities", "reimbursable"),
    ]:
        plans.set_rule(
            hr_operator,
            version,
            legal_basis=LegalBasis.objects.get(code=code),
            delivery=delivery,
        )
    plans.submit(hr_operator, version)
    version = plans.approve(hr_admin, version)
    (request,) = funding.request_funding(hr_admin, version, schedule="single")
    funding.record_payment(
        hr_admin,
        request,
        amount=request.amount,
        received_on=today,
        bank_reference=f"CRO-{version.pk}",
        accept_excess=False,
    )
    allocation.allocate(hr_admin, version)
    return version


def wallet_of(employee):
    return plan_wallets_of(employee).get()


def spend_at_checkout(employee_actor, employee, seller, amount=5_000, refund=1_000):
    _provider, owner, service = seller
    order = orders.place_order(
        employee_actor,
        buyer=employee.person,
        service=service,
        split={wallet_of(employee).pk: amount},
        idempotency_key=f"payroll-{employee.pk}",
    )
    order = order_delivery.deliver(owner, order)
    if refund:
        order_delivery.refund(owner, order, refund, reason="Ora in meno", idempotency_key="r1")
    return order


def camp_claim(employee_actor, employee, hr_admin, amount=30_000, accepted=25_000):
    today = timezone.localdate()
    declarations.declare_child(
        employee_actor,
        employee,
        fiscal_code=CHILD_CF,
        full_name="Anna Bianchi",
        tax_year=today.year,
    )
    claim = claims.submit_plan_claim(
        employee_actor,
        wallet_of(employee),
        category="summer_camp",
        amount=amount,
        document_amount=amount + 2_000,
        expense_date=today,
        payee="Cooperativa Il Girasole",
        document_type="invoice",
        payment_method="transfer",
        beneficiary="child",
        beneficiary_fiscal_code=CHILD_CF,
        upload=receipt(),
    )
    claim_review.accept_claim(hr_admin, claim, amount=accepted, reason="Quattro settimane")
    return claim


def utilities_claim(employee_actor, employee, hr_admin, amount=50_000):
    claim = claims.submit_plan_claim(
        employee_actor,
        wallet_of(employee),
        category="utilities",
        amount=amount,
        document_amount=amount,
        expense_date=timezone.localdate(),
        payee="Acque Venete",
        document_type="self_declaration",
        payment_method="direct_debit",
        declaration_confirmed=True,
    )
    claim_review.accept_claim(hr_admin, claim)
    return claim


def health_fund(employee_actor, employee, hr_admin, amount=12_000) -> PayrollRequest:
    row = payroll_requests.request_contribution(
        employee_actor,
        wallet_of(employee),
        basis_code="art51_c2_a",
        amount=amount,
        fund_name="Fondo Metasalute",
    )
    return payroll_requests.mark_passed(hr_admin, row)
