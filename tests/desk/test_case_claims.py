"""A Welfare Point's operator files an expense claim for the person of one of their cases: only
with the person's delegation to file claims, only for their own Point's cases (else 404,
audited); the payouts' own claim service with its caps; audited "per conto di" with the
delegation as basis; the citizen sees the claim and who filed it."""

import datetime

import pytest
from django.utils import timezone

from benecomune.core import on_behalf
from benecomune.core.models import AuditEvent, Notification
from benecomune.desk.services import delegations, intake
from benecomune.desk.services.delegations import DelegationRequest
from benecomune.payouts.models import ExpenseClaim
from tests.desk.conftest import intake_for
from tests.helpers import login
from tests.payouts.conftest import admin, fund, make_reimbursement_call, receipt  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/gestione/sportello-welfare/casi"


@pytest.fixture
def citizen(make_person, municipality, make_user):
    from benecomune.core.actors import Actor

    person = make_person(municipality, first_name="Ada", last_name="Bassi", sex="F")
    return Actor(user=make_user("ada@example.org", person=person))


@pytest.fixture
def award(make_reimbursement_call, citizen):  # noqa: F811
    _call, (award,) = make_reimbursement_call([citizen.user.person])
    return award


@pytest.fixture
def ada_case(manager, point, citizen):
    return intake.open_case(manager[0], point, intake_for(citizen.user.person))


def delegate(citizen, point, *scopes):
    today = timezone.localdate()
    return delegations.give_digitally(
        citizen,
        DelegationRequest(
            point=point,
            scopes=list(scopes),
            valid_from=today,
            valid_until=today + datetime.timedelta(days=30),
        ),
    )


def data(**overrides):
    values = {
        "category": "summer_camp",
        "amount": "120,00",
        "expense_date": timezone.localdate().isoformat(),
        "payee": "Centro estivo Il Girasole",
        "document": receipt(),
    }
    values.update(overrides)
    return values


def test_without_the_delegation_to_file_claims_nothing_is_filed(
    citizen, ada_case, award, manager, other_manager, operator_client
):
    page = operator_client(manager)
    new = f"{BASE}/{ada_case.pk}/rimborsi/{award.pk}/nuovo/"
    response = page.post(new, data(), follow=True)
    assert response.redirect_chain[-1][0] == f"{BASE}/{ada_case.pk}/"
    assert "serve una sua delega" in response.content.decode()
    delegate(citizen, ada_case.point, on_behalf.APPLY)  # another scope
    refused = page.post(new, data(), follow=True).content.decode()
    assert "La delega non comprende questa azione" in refused
    assert AuditEvent.objects_unscoped.filter(action="core.on_behalf_refused").exists()
    assert operator_client(other_manager).get(f"{BASE}/{ada_case.pk}/rimborsi/").status_code == 404
    assert not ExpenseClaim.objects_unscoped.exists()


def test_the_operator_files_a_claim_with_the_delegation(
    citizen, ada_case, award, manager, operator_client, client
):
    delegation = delegate(citizen, ada_case.point, on_behalf.CLAIMS)
    page = operator_client(manager)
    listing = page.get(f"{BASE}/{ada_case.pk}/rimborsi/").content.decode()
    new = f"{BASE}/{ada_case.pk}/rimborsi/{award.pk}/nuovo/"
    assert "Centri estivi 2026" in listing and new in listing
    assert f"delega n. {delegation.pk}" in listing
    too_much = page.post(new, data(amount="400,00"))
    assert too_much.status_code == 400 and "al massimo" in too_much.content.decode()
    assert not ExpenseClaim.objects_unscoped.exists()

    response = page.post(new, data())
    assert response["Location"] == f"{BASE}/{ada_case.pk}/rimborsi/"
    claim = ExpenseClaim.objects_unscoped.get()
    assert (claim.amount, claim.submitted_by_id) == (12_000, manager[1].pk)
    event = AuditEvent.objects_unscoped.get(action="payouts.claim_submitted")
    assert event.after["on_behalf_of"] == citizen.user.person.fiscal_code
    assert f"delega n. {delegation.pk}" in event.reason
    notice = Notification.objects.get(subject="Richiesta di rimborso ricevuta")
    assert ada_case.point.organization.name in notice.body
    assert f"n. {claim.pk}" in page.get(f"{BASE}/{ada_case.pk}/rimborsi/").content.decode()

    mine = login(client, citizen.user)
    assert f"Richiesta n. {claim.pk}" in mine.get("/area-personale/rimborsi/").content.decode()
    acted = mine.get("/area-personale/chi-ha-agito-per-me/").content.decode()
    assert manager[1].full_name in acted
