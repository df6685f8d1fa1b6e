"""Company-plan reimbursement claims (payouts' expense claims of kind corporate_plan): document
rules per category, HR review, the hold on the plan wallet paid or released; bad input gets an
Italian message and changes nothing."""

import datetime

import pytest

from benecomune.corporate.models import PayrollRequestStatus, PlanClaimDetail
from benecomune.corporate.services import claims, declarations, fringe, payroll_requests
from benecomune.ledger.models import Reservation
from benecomune.ledger.services import statements
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.models import ClaimKind, ClaimStatus, ExpenseClaim
from benecomune.payouts.services import claim_review
from tests.corporate.conftest import fiscal_code
from tests.corporate.plan_wallet import approved_version, open_plan_wallet, receipt
from tests.ledger.conftest import ledger_stays_sound  # noqa: F401

pytestmark = pytest.mark.django_db
YEAR = 2026
CHILD_CF = fiscal_code("Anna", "Bianchi", "F", "01/06/2015")


@pytest.fixture
def plan_wallet(system_actor, hr_operator, hr_admin, company, employee):
    version = approved_version(
        hr_operator,
        hr_admin,
        company,
        [
            ("art51_c2_f", "platform", None),
            ("art51_c2_f_bis", "reimbursable", None),
            ("art51_c3_utilities", "reimbursable", None),
            ("art51_c2_a", "platform", None),
        ],
    )
    return open_plan_wallet(system_actor, version, employee, 100_000)


@pytest.fixture
def child(employee_actor, employee):
    return declarations.declare_child(
        employee_actor, employee, fiscal_code=CHILD_CF, full_name="Anna Bianchi", tax_year=YEAR
    )


def camp(actor, wallet, **over):
    values = {
        "category": "summer_camp",
        "amount": 30_000,
        "document_amount": 32_000,
        "expense_date": datetime.date(YEAR, 7, 10),
        "payee": "Cooperativa Il Girasole",
        "document_type": "invoice",
        "payment_method": "transfer",
        "beneficiary": "child",
        "beneficiary_fiscal_code": CHILD_CF,
        "upload": receipt(),
    }
    values.update(over)
    return claims.submit_plan_claim(actor, wallet, **values)


def test_art51_c2_lett_f_bis_camp_reimbursable(employee_actor, hr_admin, plan_wallet, child):
    claim = camp(employee_actor, plan_wallet)
    assert claim.kind == ClaimKind.CORPORATE_PLAN and claim.status == ClaimStatus.SUBMITTED
    assert statements.available(plan_wallet.account) == 70_000  # held at once
    claim_review.accept_claim(hr_admin, claim, amount=25_000, reason="Solo 4 settimane su 5")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PARTIALLY_ACCEPTED and claim.reimbursement_transfer_id
    # 250 paid, the 50 not recognised back on the wallet.
    assert statements.available(plan_wallet.account) == 75_000
    assert statements.balance(plan_wallet.account) == 75_000


def test_rejected_claim_returns_to_the_wallet(employee_actor, hr_operator, plan_wallet, child):
    claim = camp(employee_actor, plan_wallet)
    claim_review.reject_claim(hr_operator, claim, reason="Ricevuta illeggibile")
    assert statements.available(plan_wallet.account) == 100_000
    hold = PlanClaimDetail.objects_unscoped.get(claim=claim).hold
    assert Reservation.objects_unscoped.get(pk=hold.pk).open_amount == 0


def test_art51_c3_utilities_self_declaration_counts_towards_fringe_cap(
    employee_actor, employee, hr_admin, plan_wallet
):
    claim = claims.submit_plan_claim(
        employee_actor,
        plan_wallet,
        category="utilities",
        amount=20_000,
        document_amount=20_000,
        expense_date=datetime.date(YEAR, 2, 1),
        payee="Enel Energia",
        document_type="self_declaration",
        payment_method="direct_debit",
        declaration_confirmed=True,
    )
    assert claim.self_declared
    assert fringe.cap_status(employee).platform == 20_000
    claim_review.reject_claim(hr_admin, claim, reason="Utenza non intestata al dipendente")
    assert fringe.cap_status(employee).platform == 0


BAD = [
    (
        "category_excluded_by_plan_art51_c2_lett_f_ter",
        {
            "category": "personal_care",
            "beneficiary": "family",
            "beneficiary_name": "Rosa Bianchi",
            "relationship": "parent",
        },
        "category",
        "non rimborsa",
    ),
    (
        "art51_c2_lett_f_never_reimbursed_rent_not_in_plan",
        {"category": "rent", "beneficiary": "self", "document_type": "rent_receipt"},
        "category",
        "non rimborsa",
    ),
    (
        "child_not_declared",
        {"beneficiary_fiscal_code": fiscal_code("Pietro", "Bianchi", "M", "02/02/2016")},
        "beneficiary_fiscal_code",
        "non è dichiarato a carico",
    ),
    (
        "date_outside_the_plan_period",
        {"expense_date": datetime.date(2025, 12, 20)},
        "expense_date",
        "dal 01/01/2026 al 31/12/2026",
    ),
    ("more_than_the_document", {"amount": 32_001}, "amount", "importo del documento"),
    ("payment_not_traced", {"payment_method": "cash"}, "payment_method", "tracciabile"),
    ("wrong_document_type", {"document_type": "bill"}, "document_type", "fattura"),
    (
        "more_than_the_credit",
        {"amount": 100_001, "document_amount": 200_000},
        "amount",
        "insufficiente",
    ),
]


@pytest.mark.parametrize(
    ("over", "field", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_bad_claim_changes_nothing(employee_actor, plan_wallet, child, over, field, message):
    before = statements.available(plan_wallet.account)
    with pytest.raises(PayoutError) as caught:
        camp(employee_actor, plan_wallet, **over)
    assert message in " ".join(caught.value.message_dict[field])
    assert ExpenseClaim.objects_unscoped.count() == 0
    assert statements.available(plan_wallet.account) == before


def test_only_hr_of_the_company_reviews(
    employee_actor, plan_wallet, child, make_actor, other_company
):
    from benecomune.core.models import Role

    claim = camp(employee_actor, plan_wallet)
    stranger = make_actor("hr@altra.example.org", Role.COMPANY_HR, other_company)
    with pytest.raises(Exception):  # noqa: B017 (core's permission error)
        claim_review.accept_claim(stranger, claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_art51_c2_lett_a_health_fund_passed_to_payroll(employee_actor, hr_operator, plan_wallet):
    row = payroll_requests.request_contribution(
        employee_actor,
        plan_wallet,
        basis_code="art51_c2_a",
        amount=15_000,
        fund_name="Fondo Métasalute",
    )
    assert statements.available(plan_wallet.account) == 85_000
    assert list(payroll_requests.open_requests(hr_operator, row.company_id)) == [row]
    row = payroll_requests.mark_passed(hr_operator, row)
    assert row.status == PayrollRequestStatus.PASSED
    assert statements.balance(plan_wallet.account) == 85_000
    assert list(payroll_requests.open_requests(hr_operator, row.company_id)) == []
