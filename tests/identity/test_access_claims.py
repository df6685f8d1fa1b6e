"""The access log on the claim pages (the payouts fixtures: a reimbursement award, a claim
through the real service)."""

import pytest
from django.test import Client
from django.urls import reverse

from benecomune.core.models import Membership, Role
from benecomune.core.scoping import all_tenants
from benecomune.identity.models import AccessLogEntry
from tests.helpers import login, submit_summer_camp_claim
from tests.payouts import conftest as payouts_fixtures

globals().update(
    {
        name: getattr(payouts_fixtures, name)
        for name in (
            "admin",
            "beneficiary",
            "fund",
            "make_reimbursement_call",
            "operator",
        )
    }
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(make_reimbursement_call, beneficiary):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    with all_tenants():
        return submit_summer_camp_claim(beneficiary, award)


@pytest.fixture
def desk(operator, municipality):
    membership = Membership.objects.get(
        user=operator.user, organization=municipality, role=Role.DESK_OPERATOR
    )
    return login(Client(), operator.user, membership)


@pytest.mark.parametrize(
    "view_name,kind,arg",
    [
        ("payouts:claim_review", "claim", "claim"),
        ("payouts:claim_document", "document", "claim"),
        ("core:file", "document", "claim-receipt"),
    ],
)
def test_claim_pages_are_logged(desk, claim, beneficiary, view_name, kind, arg):
    person = beneficiary.user.person
    args = [claim.pk] if arg == "claim" else [arg, claim.pk]
    url = reverse(view_name, args=args)
    response = desk.get(url)
    assert response.status_code == 200, view_name
    entry = AccessLogEntry.objects_unscoped.get()
    assert (entry.person_id, entry.kind, entry.view_name) == (person.pk, kind, view_name)
    assert entry.organization_id == person.residence_id
