"""What a plan wallet may pay for, decided by the plan version's legal bases (art. 51 TUIR):
marketplace services by the service's art. 51 category (never the provider's merchant
category), voucher-circuit shops as c.3 goods by merchant category."""

import pytest

from benecomune.core.models import MerchantCategory
from benecomune.corporate import spending as plan_spending
from benecomune.ledger import spending
from benecomune.marketplace.models import Service
from tests.corporate.plan_wallet import approved_version, open_plan_wallet

pytestmark = pytest.mark.django_db


def _service(category):
    return Service(title="Servizio di prova", art51_category=category)


def _check_service(monkeypatch, wallet, provider, category):
    monkeypatch.setattr(plan_spending, "service_of", lambda purchase: _service(category))
    with spending.buying("marketplace.service", "1"):
        return spending.refusal(wallet, provider, 1_000)


SERVICE_CASES = [
    # (test id with the legal reference, plan rules, service category, allowed?)
    (
        "art51_c2_lett_f_home_care_service_on_platform",
        [("art51_c2_f", "platform")],
        "home_care",
        True,
    ),
    (
        "art51_c2_lett_f_education_service_on_platform",
        [("art51_c2_f", "platform")],
        "education",
        True,
    ),
    (
        "art51_c2_lett_f_pharmacy_service_on_platform",
        [("art51_c2_f", "platform")],
        "pharmacy",
        True,
    ),
    (
        "art51_c2_lett_f_bis_tutoring_without_f",
        [("art51_c2_f_bis", "reimbursable")],
        "tutoring",
        True,
    ),
    (
        "art51_c2_lett_f_bis_does_not_cover_home_care",
        [("art51_c2_f_bis", "reimbursable")],
        "home_care",
        False,
    ),
    ("art51_c2_lett_f_ter_home_care", [("art51_c2_f_ter", "reimbursable")], "home_care", True),
    (
        "art51_c2_lett_f_ter_does_not_cover_education",
        [("art51_c2_f_ter", "reimbursable")],
        "education",
        False,
    ),
    (
        "art51_c3_goods_only_does_not_pay_services",
        [("art51_c3_goods", "platform")],
        "education",
        False,
    ),
    (
        "art51_c2_lett_a_health_fund_pays_no_service",
        [("art51_c2_a", "platform")],
        "pharmacy",
        False,
    ),
]


@pytest.mark.parametrize(
    ("rules", "category", "allowed"),
    [case[1:] for case in SERVICE_CASES],
    ids=[case[0] for case in SERVICE_CASES],
)
def test_marketplace_service_by_its_art51_category(
    monkeypatch,
    system_actor,
    hr_operator,
    hr_admin,
    company,
    employee,
    make_provider,
    rules,
    category,
    allowed,
):
    version = approved_version(hr_operator, hr_admin, company, [(c, d, None) for c, d in rules])
    wallet = open_plan_wallet(system_actor, version, employee, 50_000)
    # A social cooperative: its merchant category says nothing about art. 51.
    coop = make_provider("Cooperativa Il Girasole", category=MerchantCategory.OTHER)
    refusal = _check_service(monkeypatch, wallet, coop, category)
    assert (refusal is None) is allowed, refusal
    if not allowed:
        assert "piano di welfare" in refusal.lower()


SHOP_CASES = [
    (
        "art51_c3_shopping_voucher_at_circuit_grocery",
        [("art51_c3_goods", "platform")],
        "grocery",
        True,
    ),
    (
        "art51_c3_shopping_voucher_at_circuit_clothing",
        [("art51_c3_goods", "platform")],
        "clothing",
        True,
    ),
    ("art51_c2_lett_f_only_refuses_circuit_shop", [("art51_c2_f", "platform")], "grocery", False),
    ("art51_c2_lett_f_only_refuses_pharmacy_shop", [("art51_c2_f", "platform")], "pharmacy", False),
]


@pytest.mark.parametrize(
    ("rules", "category", "allowed"),
    [case[1:] for case in SHOP_CASES],
    ids=[case[0] for case in SHOP_CASES],
)
def test_voucher_circuit_shop_as_c3_fringe(
    system_actor, hr_operator, hr_admin, company, employee, make_provider, rules, category, allowed
):
    version = approved_version(hr_operator, hr_admin, company, [(c, d, None) for c, d in rules])
    wallet = open_plan_wallet(system_actor, version, employee, 50_000)
    shop = make_provider("Negozio", category=category)
    refusal = spending.refusal(wallet, shop, 1_000)
    assert (refusal is None) is allowed, refusal


def test_art51_c3_merchant_category_still_checked_for_shops(
    system_actor, hr_operator, hr_admin, company, employee, make_provider
):
    version = approved_version(
        hr_operator, hr_admin, company, [("art51_c3_goods", "platform", None)]
    )
    wallet = open_plan_wallet(system_actor, version, employee, 50_000)
    wallet.allowed_categories = ["grocery"]  # a narrower wallet: the merchant category decides
    assert spending.refusal(wallet, make_provider("Alimentari", category="grocery"), 100) is None
    assert spending.refusal(wallet, make_provider("Boutique", category="clothing"), 100)


def test_plan_categories_follow_the_legal_bases(hr_operator, hr_admin, company, employee):
    version = approved_version(
        hr_operator, hr_admin, company, [("art51_c2_f_ter", "reimbursable", None)]
    )
    assert plan_spending.plan_categories(version=version) == ["home_care"]
