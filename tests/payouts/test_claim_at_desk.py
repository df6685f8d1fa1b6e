"""Expense claims filed at the desk for a citizen who brings the receipt: the citizen's claim
service acting for them, with their consent recorded in the audit; same caps and checks."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benecomune.core.models import AuditEvent, Membership, Notification, Role
from benecomune.core.scoping import all_tenants
from benecomune.payouts.models import ExpenseClaim
from tests.helpers import login
from tests.payouts.conftest import receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(make_reimbursement_call, beneficiary):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    return award


@pytest.fixture
def desk(operator, municipality):
    membership = Membership.objects.get(
        user=operator.user, organization=municipality, role=Role.DESK_OPERATOR
    )
    return login(Client(), operator.user, membership)


def claim_data(**overrides):
    data = {
        "category": "summer_camp",
        "amount": "120,00",
        "expense_date": timezone.localdate().isoformat(),
        "payee": "Centro estivo Il Girasole",
        "document": receipt(),
        "consent_note": "Di persona, carta d'identità verificata",
    }
    data.update(overrides)
    return data


def test_desk_files_a_claim_for_the_citizen(desk, award, beneficiary, operator):
    person = beneficiary.user.person
    desk_person = desk.get(reverse("calls:desk_person", kwargs={"pk": person.pk})).content.decode()
    claims_url = reverse("payouts:desk_claims", kwargs={"person_pk": person.pk})
    assert claims_url in desk_person
    page = desk.get(claims_url).content.decode()
    new_url = reverse("payouts:desk_claim_new", kwargs={"award_pk": award.pk})
    assert "Centri estivi 2026" in page and new_url in page
    response = desk.post(new_url, claim_data())
    assert response.status_code == 302 and response.url == claims_url
    claim = ExpenseClaim.objects_unscoped.get()
    assert (claim.person_id, claim.amount, claim.submitted_by_id) == (
        person.pk,
        12_000,
        operator.user.pk,
    )
    with all_tenants():
        event = AuditEvent.objects.get(action="payouts.claim_submitted")
    assert event.after["on_behalf_of"] == person.fiscal_code
    assert "per conto di" in event.reason and "carta d'identità verificata" in event.reason
    notice = Notification.objects.filter(subject="Richiesta di rimborso ricevuta").get()
    assert "sportello" in notice.body
    # The citizen sees it in their own area.
    citizen = login(Client(), beneficiary.user)
    mine = citizen.get(reverse("payouts:citizen_claims")).content.decode()
    assert f"Richiesta n. {claim.pk}" in mine
    assert f"n. {claim.pk}" in desk.get(claims_url).content.decode()


def test_desk_claim_needs_consent_and_respects_the_caps(desk, award):
    new_url = reverse("payouts:desk_claim_new", kwargs={"award_pk": award.pk})
    no_consent = desk.post(new_url, claim_data(consent_note=""))
    assert no_consent.status_code == 400
    too_much = desk.post(new_url, claim_data(amount="400,00"))
    assert too_much.status_code == 400 and "al massimo" in too_much.content.decode()
    assert not ExpenseClaim.objects_unscoped.exists()


def test_service_refuses_a_desk_claim_without_consent(award, operator):
    from django.core.exceptions import ValidationError

    from benecomune.payouts.services import claims

    with pytest.raises(ValidationError, match="consenso"):
        claims.submit_claim(
            operator,
            award,
            category="summer_camp",
            amount=1_000,
            expense_date=timezone.localdate(),
            payee="Centro",
            upload=receipt(),
        )
    assert not ExpenseClaim.objects_unscoped.exists()


def test_other_comune_desk_and_validator_cannot_file(
    staff_client, award, beneficiary, other_municipality, municipality
):
    new_url = reverse("payouts:desk_claim_new", kwargs={"award_pk": award.pk})
    other, _u, _m = staff_client(Role.DESK_OPERATOR, other_municipality)
    assert other.post(new_url, claim_data()).status_code == 404
    validator, _u, _m = staff_client(Role.VALIDATOR, municipality, email="v@example.org")
    assert validator.post(new_url, claim_data()).status_code == 403
    assert not ExpenseClaim.objects_unscoped.exists()


def _claim(actor, award, **over):
    from benecomune.payouts.services import claims

    data = {
        "category": "summer_camp",
        "amount": 1_000,
        "expense_date": timezone.localdate(),
        "payee": "Centro",
        "upload": receipt(),
    }
    data.update(over)
    return claims.submit_claim(actor, award, **data)


def test_a_delegation_to_file_claims_covers_the_desk_or_is_refused(monkeypatch, award, operator):
    """core.on_behalf.authorize with the `claims` scope: a delegation in scope is the basis (no
    consent typed); one that does not cover it refuses, audited after the rollback."""
    from django.core.exceptions import ValidationError

    from benecomune.core import on_behalf

    answer = {"value": ("delega n. 9 (su carta), valida fino al 31/12/2026", None)}
    seen = []

    def source(actor, person, scope):
        seen.append(scope)
        return answer["value"]

    monkeypatch.setattr(on_behalf, "_SOURCES", [source])
    claim = _claim(operator, award)
    assert seen == [on_behalf.CLAIMS]
    with all_tenants():
        event = AuditEvent.objects.get(action="payouts.claim_submitted")
    assert "delega n. 9" in event.reason and event.after["on_behalf_of"]
    answer["value"] = (None, "La delega è scaduta il 01/01/2026.")
    with pytest.raises(ValidationError, match="scaduta"):
        _claim(operator, award, payee="Altro centro")
    assert list(ExpenseClaim.objects_unscoped.values_list("pk", flat=True)) == [claim.pk]
    with all_tenants():
        assert AuditEvent.objects.filter(action="core.on_behalf_refused").count() == 1
