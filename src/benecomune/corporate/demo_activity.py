"""The demo's welfare year in use (issue 17 point 9), after the plan is allocated: Cooperativa
Il Graticolato is accredited by the network (documents, review, decision: the marketplace's
services) so that company credit can pay it; the first employee (who gets a demo account) buys
an hour of its home educational support with the plan's credit (the checkout's order service;
the cooperative delivers it, capturing the payment), declares a child and claims a summer camp
(f-bis) with the receipt, which HR accepts; the company's payroll item codes are set. The
payroll export of the month then shows the purchase and the claim. Idempotent: nothing is done
again once the claim exists."""

import datetime

from codicefiscale import codicefiscale
from django.contrib.auth import get_user_model
from django.test.utils import override_settings
from django.utils import timezone

from benecomune.bookings.services import order_delivery, order_options, orders
from benecomune.core.actors import Actor
from benecomune.core.demo import data
from benecomune.core.models import Provider
from benecomune.corporate.models import Employee, PlanClaimDetail
from benecomune.corporate.plan_wallets import plan_wallets_of
from benecomune.corporate.services import claims, declarations, payroll_mapping
from benecomune.marketplace.demo import _pdf, submitted_request
from benecomune.marketplace.models import Accreditation, Service
from benecomune.marketplace.services import accreditation
from benecomune.marketplace.services.evidence import checklist
from benecomune.payouts.services import claim_review

COOPERATIVE = "coop-graticolato"
SERVICE = "Supporto pedagogico a domicilio"
EMPLOYEE_EMAIL = "dipendente@meccanica-brenta.demo.benecomune.it"
CODES = {
    ("art51_c2_f", False, False): "0451",
    ("art51_c2_f_bis", False, False): "0452",
    ("art51_c2_d_bis", False, False): "0453",
    ("art51_c3_goods", False, False): "0460",
    ("art51_c3_goods", True, False): "0461",
}


def _accredit(actor, provider, today) -> None:
    if Accreditation.objects_unscoped.filter(provider=provider).exists():
        return
    request = submitted_request(actor, provider, "family", today)
    accreditation.take_in_review(actor, request)
    for _requirement, evidence in checklist(request):
        if evidence is not None:
            accreditation.verify_evidence(actor, evidence, today=today)
    accreditation.accredit(actor, request, today=today)


def _employee_actor(employee) -> Actor:
    user = get_user_model().objects.filter(email=EMPLOYEE_EMAIL).first()
    if user is None:
        user = get_user_model().objects.create_user(
            EMPLOYEE_EMAIL,
            data.DEMO_PASSWORD,
            full_name=employee.person.full_name,
            person=employee.person,
        )
    return Actor(user=user)


def seed(actor, company, network, version) -> list[tuple[str, str, str]]:
    logins = [("Dipendente — Meccanica Brenta", EMPLOYEE_EMAIL, "")]
    today = timezone.localdate()
    if PlanClaimDetail.objects_unscoped.filter(company=company).exists():
        return logins
    if not version.starts_on <= today <= version.ends_on:
        return []  # the demo plan's year is over: nothing can be spent
    provider = Provider.objects.filter(slug=COOPERATIVE, network=network).first()
    service = Service.objects_unscoped.filter(provider=provider, title=SERVICE).first()
    employee = (
        Employee.objects_unscoped.filter(company=company)
        .select_related("person")
        .order_by("employee_number")
        .first()
    )
    if service is None or employee is None:
        return []
    payroll_mapping.set_item_codes(actor, company, CODES)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _accredit(actor, provider, today)
        staff = _employee_actor(employee)
        wallet = plan_wallets_of(employee).first()
        price = order_options.offer_for(employee.person, service).amount
        order = orders.place_order(
            staff,
            buyer=employee.person,
            service=service,
            split={wallet.pk: price},
            idempotency_key="demo-welfare-1",
        )
        order_delivery.deliver(actor, order)
        _summer_camp(actor, staff, employee, wallet, today)
    return logins


def _summer_camp(actor, staff, employee, wallet, today) -> None:
    camp_day = min(today, datetime.date(today.year, 7, 10))
    child = codicefiscale.encode(
        lastname=employee.person.last_name,
        firstname="Giulia",
        gender="F",
        birthdate="14/05/2016",
        birthplace="Padova",
    )
    declarations.declare_child(
        staff,
        employee,
        fiscal_code=child,
        full_name=f"Giulia {employee.person.last_name}",
        tax_year=camp_day.year,
    )
    claim = claims.submit_plan_claim(
        staff,
        wallet,
        category="summer_camp",
        amount=18_000,
        document_amount=18_000,
        expense_date=camp_day,
        payee="Cooperativa Sociale Il Graticolato",
        document_type="invoice",
        payment_method="transfer",
        beneficiary="child",
        beneficiary_fiscal_code=child,
        upload=_pdf("Fattura centro estivo"),
    )
    claim_review.accept_claim(actor, claim)
