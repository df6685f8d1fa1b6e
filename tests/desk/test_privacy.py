"""Who sees a case: a cross-tenant and confidentiality matrix. An operator of the case's
Point opens it (every view logged in the access log); anyone else gets 404 (another Point's
operator, an operator not assigned to any Point) or 403 (roles that are not the desk's,
admins included), and the refused attempt is audited. A confidential note is read only by
the case's team. The person's cases are in their "I miei dati" export and consents list."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benecomune.core.models import AuditEvent, Role
from benecomune.core.scoping import all_tenants
from benecomune.desk.services import cases
from benecomune.identity import my_data
from benecomune.identity.consents import consents_of
from benecomune.identity.models import AccessLogEntry
from tests.helpers import login

SECRET = "Segnalazione riservata del medico di base"
PLAIN = "Telefonare alla figlia martedì"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def file_of_case(manager, case):
    cases.add_note(manager[0], case, text=SECRET, confidential=True)
    cases.add_note(manager[0], case, text=PLAIN)
    return cases.add_attachment(
        manager[0],
        case,
        upload=SimpleUploadedFile("relazione.pdf", PDF, content_type="application/pdf"),
        description="Relazione",
    )


def _viewer(name, request):
    """(user, membership) of each viewer of the matrix."""
    if name in ("manager", "colleague", "coordinator", "other_manager"):
        _actor, user, membership = request.getfixturevalue(name)
        return user, membership
    make_operator = request.getfixturevalue("make_operator")
    if name == "unassigned_manager":  # same Comune, desk role, but at no Point
        point = request.getfixturevalue("point")
        _actor, user, membership = make_operator(
            "libero@piazzola.example.org", Role.WELFARE_MANAGER, point, assign=False
        )
        return user, membership
    if name == "company_manager":
        point = request.getfixturevalue("company_point")
        _actor, user, membership = make_operator(
            "wm@azienda.example.org", Role.WELFARE_MANAGER, point
        )
        return user, membership
    staff_client = request.getfixturevalue("staff_client")
    organization = request.getfixturevalue(
        "network" if name == "platform_admin" else "municipality"
    )
    role = {
        "municipality_admin": Role.MUNICIPALITY_ADMIN,
        "desk_operator": Role.DESK_OPERATOR,
        "platform_admin": Role.PLATFORM_ADMIN,
    }[name]
    _client, user, membership = staff_client(role, organization)
    return user, membership


# viewer -> (case page status, sees the confidential note, attachment status)
MATRIX = {
    "manager": (200, True, 200),
    "coordinator": (200, True, 200),
    "colleague": (200, False, 200),
    "other_manager": (404, False, 404),
    "unassigned_manager": (404, False, 404),
    "company_manager": (404, False, 404),
    "municipality_admin": (403, False, 404),
    "desk_operator": (403, False, 404),
    "platform_admin": (403, False, 404),
}


@pytest.mark.parametrize("viewer", sorted(MATRIX))
def test_who_sees_the_case(viewer, request, client, case, file_of_case):
    status, sees_secret, file_status = MATRIX[viewer]
    user, membership = _viewer(viewer, request)
    login(client, user, membership)
    page = client.get(reverse("desk:case", args=[case.pk]))
    assert page.status_code == status
    text = page.content.decode()
    assert (SECRET in text) is sees_secret
    if status == 200:
        assert PLAIN in text and case.person.fiscal_code in text
        (entry,) = AccessLogEntry.objects_unscoped.filter(user=user, person=case.person)
        assert entry.kind == "welfare_case" and entry.object_id == str(case.pk)
    else:
        assert SECRET not in text and PLAIN not in text
        assert not AccessLogEntry.objects_unscoped.filter(user=user).exists()
    if status == 404:
        assert AuditEvent.objects_unscoped.filter(
            action="desk.case_access_refused", actor=user
        ).exists()
    served = client.get(reverse("core:file", args=["desk-case-attachment", file_of_case.pk]))
    assert served.status_code == file_status


@pytest.mark.parametrize("viewer", ["other_manager", "company_manager"])
def test_another_points_operator_changes_nothing(viewer, request, client, case):
    user, membership = _viewer(viewer, request)
    login(client, user, membership)
    response = client.post(
        reverse("desk:case_action", args=[case.pk, "nota"]), {"text": "Intrusione"}
    )
    assert response.status_code == 404
    assert not AuditEvent.objects_unscoped.filter(action="desk.note_added").exists()
    actor = request.getfixturevalue(viewer)[0] if viewer == "other_manager" else None
    if actor is not None:
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied) as excinfo:
            cases.start(actor, case)
        assert "altro Punto Welfare" in str(excinfo.value)
        assert AuditEvent.objects_unscoped.filter(action="desk.case_refused").exists()


def test_worklist_search_stays_within_the_point(
    manager, other_manager, case, operator_client, other_point, elder
):
    from benecomune.desk.services import intake
    from tests.desk.conftest import intake_for

    other = intake.open_case(other_manager[0], other_point, intake_for(elder))
    client = operator_client(manager)
    mine, theirs = (reverse("desk:case", args=[c.pk]) for c in (case, other))
    for q in (elder.fiscal_code, elder.last_name, case.protocol):
        page = client.get(reverse("desk:worklist"), {"q": q}).content.decode()
        assert mine in page and theirs not in page
    page = client.get(reverse("desk:worklist"), {"q": other.protocol}).content.decode()
    assert theirs not in page and "Nessun caso corrisponde" in page


def test_team_view_is_the_coordinators(coordinator, manager, case, operator_client):
    page = operator_client(coordinator).get(reverse("desk:team"))
    assert page.status_code == 200 and case.protocol in page.content.decode()
    assert operator_client(manager).get(reverse("desk:team")).status_code == 403


def test_the_case_is_in_the_persons_data_without_confidential_notes(manager, case, file_of_case):
    cases.add_consent(manager[0], case, purpose="sharing", method="recorded")
    with all_tenants():
        data = my_data.collect(case.person)
    (row,) = data["punti-welfare"]
    assert row["protocol"] == case.protocol
    assert set(row["needs"]) == {"Assistenza domiciliare", "Solitudine e socialità"}
    assert [n["text"] for n in row["notes"]] == [PLAIN]
    purposes = [c.purpose for c in consents_of(case.person.pk)]
    assert any("Presa in carico" in str(p) for p in purposes)
    assert any("Comunicazione dei dati" in str(p) for p in purposes)


def test_withdrawing_a_consent_is_kept_and_audited(manager, case):
    from benecomune.desk.models import CaseConsent

    consent = CaseConsent.objects_unscoped.get(case=case, purpose="intake")
    cases.withdraw_consent(manager[0], consent, reason="Lo chiede la persona")
    assert CaseConsent.objects_unscoped.get(pk=consent.pk).withdrawn_at is not None
    assert AuditEvent.objects_unscoped.filter(action="desk.consent_withdrawn").exists()
