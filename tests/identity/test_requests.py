"""Rectification and erasure requests: submitted by the person, handled by their Comune's
staff (received -> in progress -> done / refused with a reason), deadline 30 days."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from benecomune.core.models import AuditEvent, Notification, Role
from benecomune.core.scoping import tenant_scope
from benecomune.identity.models import AccessLogEntry, DataRequest, DataRequestStatus
from benecomune.identity.services import data_requests as services
from tests.helpers import actor_for, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_person, municipality):
    return make_person(municipality, first_name="Lia", last_name="Moro", email="lia@example.org")


@pytest.fixture
def citizen(client, make_user, person):
    user = make_user("lia.user@example.org", person=person)
    login(client, user)
    return client


def _submit(citizen, **data):
    return citizen.post(reverse("identity:my_requests"), data)


def test_citizen_submits_a_request_with_the_legal_deadline(citizen, person):
    response = _submit(citizen, kind="rectification", text="Il mio indirizzo è Via Po 4.")
    assert response.status_code == 302
    request = DataRequest.objects_unscoped.get()
    assert request.organization_id == person.residence_id
    assert request.status == DataRequestStatus.RECEIVED
    assert request.deadline == timezone.localdate() + datetime.timedelta(days=30)
    assert AuditEvent.objects_unscoped.filter(
        action="identity.request_received", person=person
    ).exists()
    assert Notification.objects.filter(person=person).count() == 1
    # The kind of request is named in the message (a filter inside blocktranslate is not).
    body = Notification.objects.get(person=person).body
    assert "richiesta di rettifica dei dati." in body
    page = citizen.get(reverse("identity:my_requests")).content.decode()
    assert request.deadline.strftime("%d/%m/%Y") in page


@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "rectification", "text": "breve"}, "almeno 10 caratteri"),
        ({"kind": "other", "text": "Cancellate tutto quanto, grazie."}, "Scelga"),
        ({"kind": "erasure", "text": ""}, "Descriva che cosa chiede"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(citizen, data, message):
    response = _submit(citizen, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DataRequest.objects_unscoped.exists()


def test_staff_cannot_submit_for_themselves(staff_client, municipality):
    client, _user, _membership = staff_client(Role.DESK_OPERATOR, municipality)
    assert _submit(client, kind="erasure", text="Cancellate i miei dati.").status_code == 403


def test_the_comune_takes_and_closes_a_request(citizen, person, staff_client, municipality):
    _submit(citizen, kind="erasure", text="Cancellate il mio numero di telefono.")
    request = DataRequest.objects_unscoped.get()
    staff, _user, _membership = staff_client(Role.DATA_PROTECTION, municipality)
    queue = staff.get(reverse("identity:requests"))
    assert queue.status_code == 200 and person.last_name in queue.content.decode()

    url = reverse("identity:request_detail", args=[request.pk])
    page = staff.get(url)
    assert page.status_code == 200
    assert request.deadline.strftime("%d/%m/%Y") in page.content.decode()
    assert AccessLogEntry.objects_unscoped.filter(kind="data_request", person=person).exists()

    assert staff.post(url, {"action": "take"}).status_code == 302
    request.refresh_from_db()
    assert request.status == DataRequestStatus.IN_PROGRESS

    empty = staff.post(url, {"action": "done", "outcome": ""})
    assert empty.status_code == 400 and "Scriva che cosa è stato fatto" in empty.content.decode()
    request.refresh_from_db()
    assert request.status == DataRequestStatus.IN_PROGRESS

    assert staff.post(url, {"action": "done", "outcome": "Telefono cancellato."}).status_code == 302
    request.refresh_from_db()
    assert request.status == DataRequestStatus.DONE and request.closed_at is not None
    actions = set(
        AuditEvent.objects_unscoped.filter(object_id=str(request.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"identity.request_taken", "identity.request_done"} <= actions
    assert Notification.objects.filter(person=person).count() == 2


def test_refusal_needs_a_reason_and_the_person_receives_it(
    citizen, person, make_actor, municipality
):
    _submit(citizen, kind="erasure", text="Cancellate la mia domanda del 2025.")
    request = DataRequest.objects_unscoped.get()
    actor = make_actor("dpo.r@example.org", Role.DATA_PROTECTION, municipality)
    with tenant_scope(actor.tenant_ids):
        with pytest.raises(ValidationError):
            services.close_request(actor, request, done=False, outcome="  ")
        services.close_request(
            actor, request, done=False, outcome="Conservazione obbligatoria per 10 anni."
        )
    request.refresh_from_db()
    assert request.status == DataRequestStatus.REFUSED
    note = Notification.objects.filter(person=person).order_by("-pk").first()
    assert "Conservazione obbligatoria" in note.body
    assert "è stata chiusa con esito: respinta." in note.body
    # A closed request cannot move again.
    with tenant_scope(actor.tenant_ids), pytest.raises(ValidationError):
        services.take_request(actor, request)


def test_a_desk_operator_may_not_handle_requests(citizen, make_user, municipality):
    _submit(citizen, kind="erasure", text="Cancellate il mio numero di telefono.")
    request = DataRequest.objects_unscoped.get()
    user = make_user("op.r@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    actor = actor_for(user, Role.DESK_OPERATOR, municipality)
    with tenant_scope(actor.tenant_ids), pytest.raises(PermissionDenied):
        services.take_request(actor, request)


def test_another_comunes_staff_see_nothing(citizen, staff_client, other_municipality):
    _submit(citizen, kind="erasure", text="Cancellate il mio numero di telefono.")
    request = DataRequest.objects_unscoped.get()
    staff, _user, _membership = staff_client(Role.DATA_PROTECTION, other_municipality)
    url = reverse("identity:request_detail", args=[request.pk])
    assert staff.get(url).status_code == 404
    assert staff.post(url, {"action": "take"}).status_code == 404
    assert "Moro" not in staff.get(reverse("identity:requests")).content.decode()
    request.refresh_from_db()
    assert request.status == DataRequestStatus.RECEIVED


def test_late_requests_are_flagged(citizen, staff_client, municipality):
    _submit(citizen, kind="erasure", text="Cancellate il mio numero di telefono.")
    DataRequest.objects_unscoped.update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    staff, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    assert "scaduta" in staff.get(reverse("identity:requests")).content.decode()
