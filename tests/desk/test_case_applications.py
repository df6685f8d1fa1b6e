"""A Welfare Point's operator applies to a call for the person of one of their cases: only
with the person's delegation to apply, only for their own Point's cases (else 404, audited);
the calls' own pages fill, document and send it, every step audited "per conto di"; a
revoked delegation stops the operator at the next step; the receipt and documents are served
only to them while the delegation holds."""

import datetime

import pytest
from django.utils import timezone

from benecomune.calls.models import Application, ApplicationStatus
from benecomune.core import on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent, Role
from benecomune.desk.services import delegations, intake
from benecomune.desk.services.delegations import DelegationRequest
from tests.calls.applications_factory import upload
from tests.desk.conftest import intake_for
from tests.desk.orientation_fixtures import *  # noqa: F403
from tests.helpers import login

pytestmark = pytest.mark.django_db

BASE = "/gestione/sportello-welfare"


@pytest.fixture
def head(family, make_user):
    user = make_user("giulia@example.org", person=family["head"])
    return Actor(user=user), user


@pytest.fixture
def head_case(manager, point, family):
    return intake.open_case(manager[0], point, intake_for(family["head"]))


@pytest.fixture(params=["comune", "company"])
def point_operator(request, manager, point, make_operator, company_point, family):
    """(operator, case): at the Comune's Point, or at a company's (another tenant)."""
    if request.param == "comune":
        operator, where = manager, point
    else:
        where = company_point
        operator = make_operator("wm@meccanica.example.org", Role.WELFARE_MANAGER, where)
    return operator, intake.open_case(operator[0], where, intake_for(family["head"]))


def delegate(head, point, *scopes):
    today = timezone.localdate()
    return delegations.give_digitally(
        head[0],
        DelegationRequest(
            point=point,
            scopes=list(scopes),
            valid_from=today,
            valid_until=today + datetime.timedelta(days=30),
        ),
    )


def test_without_a_delegation_nothing_starts(
    head_case, manager, other_manager, operator_client, make_call
):
    call = make_call()
    page = operator_client(manager)
    listing = page.get(f"{BASE}/casi/{head_case.pk}/domande/", follow=True)
    assert listing.redirect_chain[-1][0] == f"{BASE}/casi/{head_case.pk}/"
    assert "serve una sua delega" in listing.content.decode()
    page.post(f"{BASE}/casi/{head_case.pk}/domande/avvia/", {"call": call.pk})
    assert not Application.objects_unscoped.exists()
    other = operator_client(other_manager)
    assert other.get(f"{BASE}/casi/{head_case.pk}/domande/").status_code == 404
    assert (
        other.post(f"{BASE}/casi/{head_case.pk}/domande/avvia/", {"call": call.pk}).status_code
        == 404
    )


def test_a_delegation_for_bookings_only_is_refused_and_audited(
    head, head_case, manager, operator_client, make_call, family
):
    delegate(head, head_case.point, on_behalf.BOOK_PAY)
    call = make_call()
    page = operator_client(manager)
    response = page.post(
        f"{BASE}/casi/{head_case.pk}/domande/avvia/", {"call": call.pk}, follow=True
    )
    assert "La delega non comprende questa azione" in response.content.decode()
    assert not Application.objects_unscoped.exists()
    assert AuditEvent.objects_unscoped.filter(
        action="core.on_behalf_refused", person=family["head"]
    ).exists()


def test_the_operator_applies_for_the_person_with_the_delegation(
    head, point_operator, other_manager, operator_client, make_call, family, client
):
    manager, head_case = point_operator
    delegation = delegate(head, head_case.point, on_behalf.APPLY)
    call = make_call()
    page = operator_client(manager)
    listing = page.get(f"{BASE}/casi/{head_case.pk}/domande/").content.decode()
    assert call.title in listing and f"delega n. {delegation.pk}" in listing

    started = page.post(f"{BASE}/casi/{head_case.pk}/domande/avvia/", {"call": call.pk})
    application = Application.objects_unscoped.get()
    url = f"{BASE}/domande/{application.pk}/"
    assert started["Location"] == f"{url}compila/"
    assert application.assisted_by == manager[1]
    assert f"delega n. {delegation.pk}" in application.consent_note
    edit = page.get(f"{url}compila/").content.decode()
    assert "Sta compilando per conto di Giulia Bianchi" in edit
    assert f"{BASE}/casi/{head_case.pk}/domande/" in edit  # the way back to the case
    assert "Verifiche con anagrafe e INPS" not in edit

    isee = family["isee"]
    saved = page.post(
        f"{url}compila/",
        {
            "isee_value": "8.500,00",
            "isee_protocol": isee.protocol,
            "isee_date": isee.issued_on.isoformat(),
            "decl_truthful": "on",
            "decl_no_other_aid": "on",
            "next": "submit",
        },
    )
    assert saved["Location"] == f"{url}invia/"
    page.post(f"{url}documenti/", {"code": "id_card", "file": upload()})
    document = application.documents.get()
    assert page.get(f"{url}documenti/{document.pk}/").status_code == 200
    assert page.post(f"{url}invia/").status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.protocol
    receipt = page.get(f"{url}ricevuta.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    submitted = AuditEvent.objects_unscoped.get(action="calls.application_submitted")
    assert submitted.actor_id == manager[1].pk
    assert family["head"].fiscal_code in submitted.reason

    # Another Point's operator reaches neither the application nor its files.
    other = operator_client(other_manager)
    assert other.get(url).status_code == 404
    assert other.get(f"{url}ricevuta.pdf").status_code == 404
    assert other.get(f"{url}documenti/{document.pk}/").status_code == 404

    # The citizen sees it in their area, and who acted for them.
    mine = login(client, head[1])
    assert call.title in mine.get("/area-personale/domande/").content.decode()
    acted = mine.get("/area-personale/chi-ha-agito-per-me/").content.decode()
    assert manager[1].full_name in acted


def test_a_revoked_delegation_stops_the_operator(
    head, head_case, manager, operator_client, make_call
):
    delegation = delegate(head, head_case.point, on_behalf.APPLY)
    call = make_call()
    page = operator_client(manager)
    page.post(f"{BASE}/casi/{head_case.pk}/domande/avvia/", {"call": call.pk})
    application = Application.objects_unscoped.get()
    delegations.revoke(head[0], delegation)
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None
    url = f"{BASE}/domande/{application.pk}/"
    page.post(f"{url}documenti/", {"code": "id_card", "file": upload()})
    assert not application.documents.exists()
    refused = page.post(f"{url}invia/")
    assert "revocata" in refused.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
