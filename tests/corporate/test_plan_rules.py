"""Plan category rules per legal basis (art. 51 TUIR), table-driven: the test names carry the
legal references. Legal bases are reference data seeded by the migration."""

import pytest
from django.core.exceptions import ValidationError

from benecomune.corporate.models import LegalBasis, PlanCategoryRule
from benecomune.corporate.services import plans
from tests.corporate.conftest import basis

pytestmark = pytest.mark.django_db

# code, reimbursable by law, fringe benefit (c.3), legal yearly limit (cents)
LEGAL_BASES = [
    ("art51_c2_a", False, False, 361_520),
    ("art51_c2_d_bis", True, False, None),
    ("art51_c2_f", False, False, None),
    ("art51_c2_f_bis", True, False, None),
    ("art51_c2_f_ter", True, False, None),
    ("art51_c3_goods", False, True, 100_000),
    ("art51_c3_utilities", True, True, 100_000),
    ("art51_c3_housing", True, True, 100_000),
]


@pytest.mark.parametrize(("code", "reimbursable", "fringe", "limit"), LEGAL_BASES)
def test_legal_bases_are_reference_data_rows(code, reimbursable, fringe, limit):
    row = LegalBasis.objects.get(code=code)
    assert (row.reimbursable, row.is_fringe_benefit, row.legal_limit) == (
        reimbursable,
        fringe,
        limit,
    )
    assert row.reference.startswith("Art. 51")


def _rule(actor, version, code, delivery, limit=None):
    return plans.set_rule(actor, version, legal_basis=basis(code), delivery=delivery, limit=limit)


def test_art51_c2_a_health_fund_within_the_legal_limit(hr_operator, draft_plan):
    rule = _rule(hr_operator, draft_plan, "art51_c2_a", "platform", 361_520)
    assert rule.limit == 361_520


def test_art51_c2_a_health_fund_over_the_legal_limit_is_refused(hr_operator, draft_plan):
    with pytest.raises(ValidationError, match="supera quello di legge"):
        _rule(hr_operator, draft_plan, "art51_c2_a", "platform", 361_521)
    assert not PlanCategoryRule.objects_unscoped.filter(legal_basis__code="art51_c2_a").exists()


def test_art51_c2_a_health_fund_is_not_reimbursable(hr_operator, draft_plan):
    with pytest.raises(ValidationError, match="non ammette rimborsi"):
        _rule(hr_operator, draft_plan, "art51_c2_a", "reimbursable")


def test_art51_c2_d_bis_transport_pass_is_reimbursable(hr_operator, draft_plan):
    assert _rule(hr_operator, draft_plan, "art51_c2_d_bis", "reimbursable").delivery == (
        "reimbursable"
    )


def test_art51_c2_f_works_and_services_are_only_delivered_never_reimbursed(hr_operator, draft_plan):
    with pytest.raises(ValidationError) as refused:
        _rule(hr_operator, draft_plan, "art51_c2_f", "reimbursable")
    assert "soltanto tramite la piattaforma" in str(refused.value)
    rule = PlanCategoryRule.objects_unscoped.get(version=draft_plan, legal_basis__code="art51_c2_f")
    assert rule.delivery == "platform"  # the fixture's rule is unchanged


def test_art51_c2_f_bis_education_is_reimbursable_with_documents(hr_operator, draft_plan):
    assert _rule(hr_operator, draft_plan, "art51_c2_f_bis", "reimbursable").delivery == (
        "reimbursable"
    )


def test_art51_c2_f_ter_care_of_elderly_relatives_is_reimbursable(hr_operator, draft_plan):
    assert _rule(hr_operator, draft_plan, "art51_c2_f_ter", "reimbursable", 150_000).limit == (
        150_000
    )


def test_art51_c3_fringe_goods_and_vouchers_are_platform_only(hr_operator, draft_plan):
    with pytest.raises(ValidationError):
        _rule(hr_operator, draft_plan, "art51_c3_goods", "reimbursable")
    assert _rule(hr_operator, draft_plan, "art51_c3_goods", "platform", 100_000).limit == 100_000


def test_art51_c3_l207_2024_utilities_and_housing_are_reimbursable(hr_operator, draft_plan):
    _rule(hr_operator, draft_plan, "art51_c3_utilities", "reimbursable")
    _rule(hr_operator, draft_plan, "art51_c3_housing", "reimbursable", 80_000)
    assert draft_plan.rule_rows().count() == 3


def test_art51_c3_fringe_limit_above_the_law_is_refused(hr_operator, draft_plan):
    with pytest.raises(ValidationError, match="supera"):
        _rule(hr_operator, draft_plan, "art51_c3_housing", "reimbursable", 100_001)


def test_a_legal_change_is_data_a_basis_no_longer_in_force_is_refused(hr_operator, draft_plan):
    LegalBasis.objects.filter(code="art51_c2_d_bis").update(is_active=False)
    with pytest.raises(ValidationError, match="non è più in vigore"):
        _rule(hr_operator, draft_plan, "art51_c2_d_bis", "platform")


def test_setting_a_rule_again_changes_it_instead_of_adding_one(hr_operator, draft_plan):
    _rule(hr_operator, draft_plan, "art51_c2_f_bis", "platform")
    _rule(hr_operator, draft_plan, "art51_c2_f_bis", "reimbursable", 50_000)
    rule = draft_plan.rule_rows().get(legal_basis__code="art51_c2_f_bis")
    assert (rule.delivery, rule.limit) == ("reimbursable", 50_000)
