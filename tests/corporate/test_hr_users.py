"""HR users: the HR admin invites HR operators and auditors through core's staff services;
operators and auditors manage no one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.models import Invitation, Role
from benecomune.core.services import staff

pytestmark = pytest.mark.django_db


def test_the_three_hr_roles_are_offered_in_a_company(company):
    # With the operators' roles of a company Welfare Point (desk app).
    assert {value for value, _label in staff.roles_for(company)} == {
        Role.COMPANY_HR,
        Role.COMPANY_HR_OPERATOR,
        Role.COMPANY_AUDITOR,
        Role.WELFARE_MANAGER,
        Role.WELFARE_DESK_STAFF,
        Role.WELFARE_COORDINATOR,
    }


@pytest.mark.parametrize("role", [Role.COMPANY_HR_OPERATOR, Role.COMPANY_AUDITOR])
def test_the_hr_admin_invites_operators_and_auditors(hr_admin, company, role):
    invitation = staff.invite(
        hr_admin,
        company,
        email="nuovo@example.org",
        full_name="Nuovo Collega",
        role=role,
        base_url="http://testserver",
    )
    assert invitation.role == role


@pytest.mark.parametrize("who", ["hr_operator", "hr_auditor"])
def test_operators_and_auditors_invite_no_one(request, company, who):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        staff.invite(
            actor,
            company,
            email="nuovo@example.org",
            full_name="Nuovo Collega",
            role=Role.COMPANY_AUDITOR,
            base_url="http://testserver",
        )
    assert not Invitation.objects_unscoped.exists()


def test_a_municipal_role_is_refused_in_a_company(hr_admin, company):
    with pytest.raises(ValidationError):
        staff.invite(
            hr_admin,
            company,
            email="x@example.org",
            full_name="X",
            role=Role.DESK_OPERATOR,
            base_url="http://testserver",
        )
