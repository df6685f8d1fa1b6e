"""Delegations (core.on_behalf + desk): scope and expiry with a frozen clock, revocation by the
citizen and at the desk, the refusal audited, the paper delegation with an identity document
served only to the Point, and the citizen's "Chi ha agito per me"."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benecomune.core import on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent
from benecomune.desk.models import Delegation, DelegationChannel
from benecomune.desk.services import delegations
from benecomune.desk.services.delegations import DelegationRequest
from tests.helpers import login, tables_that_scroll_on_a_phone

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def citizen(elder, make_user):
    user = make_user("ada@example.org", person=elder)
    return Actor(user=user), user


def request_for(point, **over):
    data = {
        "point": point,
        "scopes": [on_behalf.APPLY, on_behalf.BOOK_PAY],
        "valid_from": datetime.date(2026, 3, 2),
        "valid_until": datetime.date(2026, 3, 31),
    }
    data.update(over)
    return DelegationRequest(**data)


def authorize(actor, person, scope, consent=""):
    """authorize() inside an assisting service, so that a refusal is audited."""

    @on_behalf.refusals_audited
    def act(actor):
        return on_behalf.authorize(actor, person, scope, consent)

    return act(actor)


def test_scope_and_expiry(clock, citizen, elder, point, manager):
    delegation = delegations.give_digitally(citizen[0], request_for(point))
    assert delegation.channel == DelegationChannel.DIGITAL
    basis = authorize(manager[0], elder, on_behalf.APPLY)
    assert f"delega n. {delegation.pk}" in basis
    with pytest.raises(ValidationError, match="non comprende"):
        authorize(manager[0], elder, on_behalf.CLAIMS)
    # Out of scope, but the citizen consents now at the desk: allowed on that basis.
    assert "di persona" in authorize(manager[0], elder, on_behalf.CLAIMS, "di persona")
    clock(29)  # 31 March: last valid day
    assert authorize(manager[0], elder, on_behalf.BOOK_PAY)
    clock(30)  # 1 April
    with pytest.raises(ValidationError, match="scaduta il 31/03/2026"):
        authorize(manager[0], elder, on_behalf.BOOK_PAY)
    refused = AuditEvent.objects_unscoped.filter(action="core.on_behalf_refused")
    assert refused.count() == 2 and refused.first().person_id == elder.pk


def test_another_points_operator_has_no_delegation(citizen, elder, point, other_manager):
    delegations.give_digitally(
        citizen[0],
        request_for(point, valid_from=timezone.localdate(), valid_until=timezone.localdate()),
    )
    with pytest.raises(ValidationError, match="consenso"):  # no delegation: consent asked
        authorize(other_manager[0], elder, on_behalf.APPLY)


def test_revocation_by_the_citizen_and_at_the_desk(clock, citizen, elder, point, manager):
    first = delegations.give_digitally(citizen[0], request_for(point))
    delegations.revoke(citizen[0], first)
    with pytest.raises(ValidationError, match="revocata"):
        authorize(manager[0], elder, on_behalf.APPLY)
    with pytest.raises(ValidationError):  # already revoked
        delegations.revoke(citizen[0], first)
    second = delegations.give_digitally(citizen[0], request_for(point))
    delegations.revoke(manager[0], second)
    second.refresh_from_db()
    assert second.revoke_channel == DelegationChannel.DESK
    assert AuditEvent.objects_unscoped.filter(action="desk.delegation_revoked").count() == 2


def test_paper_delegation_needs_a_valid_document(
    clock, elder, point, manager, other_manager, operator_client
):
    bad = request_for(
        point,
        id_document_type="identity_card",
        id_document_number="CA12345AA",
        id_document_expiry=datetime.date(2026, 1, 1),
        scan=SimpleUploadedFile("ci.pdf", PDF, content_type="application/pdf"),
    )
    with pytest.raises(ValidationError, match="scaduto"):
        delegations.record_at_desk(manager[0], elder, bad)
    assert not Delegation.objects_unscoped.exists()
    assert AuditEvent.objects_unscoped.filter(action="desk.delegation_refused").exists()
    bad.id_document_expiry = datetime.date(2030, 1, 1)
    bad.scan = SimpleUploadedFile("ci.pdf", PDF, content_type="application/pdf")
    with pytest.raises(PermissionDenied):  # not their Point
        delegations.record_at_desk(other_manager[0], elder, bad)
    bad.scan = SimpleUploadedFile("ci.pdf", PDF, content_type="application/pdf")
    delegation = delegations.record_at_desk(manager[0], elder, bad)
    url = f"/gestione/file/desk-delegation-document/{delegation.document.pk}/"
    assert operator_client(other_manager).get(url).status_code == 404
    assert operator_client(manager).get(url).status_code == 200


def test_the_citizen_sees_who_acted_for_them(citizen, elder, point, manager, client):
    delegations.give_digitally(
        citizen[0],
        request_for(
            point,
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate() + datetime.timedelta(days=30),
        ),
    )
    from django.db import transaction

    from benecomune.core import audit

    with transaction.atomic():
        basis = on_behalf.authorize(manager[0], elder, on_behalf.BOOK_PAY)
        audit.record(
            manager[0],
            "desk.referral_sent",
            person=elder,
            after={"on_behalf_of": elder.fiscal_code},
            reason=on_behalf.on_behalf_reason(manager[0], elder, basis),
        )
    assert list(on_behalf.actions_for(elder))
    page = login(client, citizen[1])
    body = page.get("/area-personale/chi-ha-agito-per-me/").content.decode()
    assert manager[1].full_name in body and "delega n." in body
    assert tables_that_scroll_on_a_phone(body) == []  # each cell under its name on a phone
    body = page.get("/area-personale/deleghe/").content.decode()
    assert point.name in body and "attiva" in body


def test_a_welfare_manager_books_for_a_citizen_only_with_a_delegation(
    clock, citizen, elder, point, manager
):
    from benecomune.bookings.services.bookings import acting_for

    with pytest.raises(PermissionDenied):  # no delegation: not their Comune's desk
        acting_for(manager[0], elder)
    delegations.give_digitally(citizen[0], request_for(point, scopes=[on_behalf.BOOK_PAY]))
    on_behalf_flag, basis = acting_for(manager[0], elder)
    assert on_behalf_flag and "delega n." in basis
    clock(40)  # expired
    with pytest.raises(ValidationError, match="scaduta"):
        acting_for(manager[0], elder)
    assert AuditEvent.objects_unscoped.filter(
        action="core.on_behalf_refused", person=elder
    ).exists()


def test_pages_paper_delegation_and_citizen_revocation(
    clock, citizen, elder, case, manager, operator_client, client
):
    page = operator_client(manager)
    url = f"/gestione/sportello-welfare/casi/{case.pk}/deleghe/nuova/"
    assert page.get(url).status_code == 200
    data = {
        "point": case.point_id,
        "scopes": [on_behalf.APPLY, on_behalf.VOUCHER_CARDS],
        "valid_from": "2026-03-02",
        "valid_until": "2026-12-31",
        "id_document_type": "identity_card",
        "id_document_number": "ca 12345 aa",
        "id_document_expiry": "2029-05-01",
    }
    response = page.post(url, data)  # no scan: the form says so, nothing written
    assert response.status_code == 200 and not Delegation.objects_unscoped.exists()
    scan = SimpleUploadedFile("ci.pdf", PDF, content_type="application/pdf")
    assert page.post(url, {**data, "scan": scan}).status_code == 302
    delegation = Delegation.objects_unscoped.get()
    assert delegation.channel == DelegationChannel.DESK
    assert delegation.id_document_number == "CA 12345 AA"
    assert "documento" in page.get(url).content.decode()
    mine = login(client, citizen[1])
    assert case.point.name in mine.get("/area-personale/deleghe/").content.decode()
    mine.post(f"/area-personale/deleghe/{delegation.pk}/revoca/")
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None
    assert delegation.revoke_channel == DelegationChannel.DIGITAL
