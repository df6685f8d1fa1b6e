"""The call editor saves a draft as staff fill it, and is split in numbered sections with a
summary of the saved draft. Published calls are never saved automatically; invalid input
changes nothing; the audit log gets at most one "autosaved" event per person, call and window."""

import datetime

import pytest
from django.urls import reverse

from benecomune.calls.models import Call, CallStatus
from benecomune.calls.services.call_autosave import AUTOSAVE_AUDIT_WINDOW
from benecomune.core.models import AuditEvent, Role
from tests.calls.test_definition_pages import editor_data
from tests.calls.test_joint_shares import (  # noqa: F401  (fixtures used by this module)
    _share_data,
    joint_fund,
    make_user_client,
    network_actor,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff_client, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    return client


def _data(fund, call, **overrides) -> dict:
    """What the edit page posts: its formsets count the draft's saved rows as initial rows
    (3 score bands, 2 declarations, 1 document in the default call)."""
    initial = {
        "score_bands-INITIAL_FORMS": "3",
        "declarations-INITIAL_FORMS": "2",
        "documents-INITIAL_FORMS": "1",
    }
    return editor_data(fund, code=call.code, **{**initial, **overrides})


def _autosave(client, call, data):
    return client.post(reverse("calls:call_autosave", args=[call.pk]), data)


def _autosaved_events(call):
    return AuditEvent.objects_unscoped.filter(action="calls.call_autosaved", object_id=str(call.pk))


def test_a_valid_change_is_saved_into_the_draft_with_one_audit_event(
    admin_client, make_call, call_fund
):
    call = make_call(publish=False)
    response = _autosave(admin_client, call, _data(call_fund, call, cap="450,00"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["saved"] is True
    assert answer["message"].startswith("Bozza salvata alle ")
    assert "Importo massimo per nucleo: € 450,00." in answer["summary"]
    call.refresh_from_db()
    assert call.rules["amount"]["cap"] == 45_000
    assert call.budget == 500_000
    event = _autosaved_events(call).get()
    assert "'cap': 40000" in event.before["rules"]
    assert "'cap': 45000" in event.after["rules"]

    # A second change within the window saves, but does not flood the audit log.
    response = _autosave(admin_client, call, _data(call_fund, call, budget="6.000,00"))
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.budget == 600_000
    assert _autosaved_events(call).count() == 1
    assert not AuditEvent.objects_unscoped.filter(
        action="calls.call_updated", object_id=str(call.pk)
    ).exists()


def test_after_the_window_a_new_audit_event_is_written(
    admin_client, make_call, call_fund, monkeypatch
):
    from benecomune.calls.services import call_autosave

    call = make_call(publish=False)
    _autosave(admin_client, call, _data(call_fund, call, cap="450,00"))
    later = call_autosave.timezone.now() + AUTOSAVE_AUDIT_WINDOW + datetime.timedelta(seconds=1)
    monkeypatch.setattr(call_autosave.timezone, "now", lambda: later)
    _autosave(admin_client, call, _data(call_fund, call, cap="460,00"))
    assert _autosaved_events(call).count() == 2


def test_an_unchanged_form_writes_no_audit_event(admin_client, make_call, call_fund, monkeypatch):
    from benecomune.calls.services import call_autosave

    call = make_call(publish=False)
    data = _data(call_fund, call)
    assert _autosave(admin_client, call, data).status_code == 200
    assert _autosaved_events(call).count() == 1
    # Past the window, the same content again (a change event with nothing new) writes nothing.
    later = call_autosave.timezone.now() + AUTOSAVE_AUDIT_WINDOW + datetime.timedelta(seconds=1)
    monkeypatch.setattr(call_autosave.timezone, "now", lambda: later)
    response = _autosave(admin_client, call, data)
    assert response.status_code == 200 and response.json()["saved"] is True
    assert _autosaved_events(call).count() == 1


def test_a_published_call_is_never_saved_automatically(admin_client, make_call, call_fund):
    call = make_call(publish=True)
    before = Call.objects_unscoped.get(pk=call.pk)
    response = _autosave(admin_client, call, _data(call_fund, call, budget="6.000,00"))
    assert response.status_code == 409
    assert response.json()["saved"] is False
    call.refresh_from_db()
    assert call.budget == before.budget and call.rules == before.rules
    assert call.status == CallStatus.PUBLISHED
    assert not _autosaved_events(call).exists()


def test_invalid_input_is_reported_and_the_draft_stays(admin_client, make_call, call_fund):
    call = make_call(publish=False)
    response = _autosave(
        admin_client,
        call,
        _data(call_fund, call, budget="tanti", cap="450,00"),
    )
    assert response.status_code == 422
    answer = response.json()
    assert answer["saved"] is False
    assert answer["message"].startswith("Bozza non salvata: ")
    assert "Budget del bando" in answer["message"]
    call.refresh_from_db()
    assert call.budget == 500_000
    assert call.rules["amount"]["cap"] == 40_000
    assert not _autosaved_events(call).exists()


def test_autosave_needs_the_permission_and_the_owning_comune(
    staff_client, municipality, other_municipality, make_call, call_fund
):
    call = make_call(publish=False)
    data = _data(call_fund, call, budget="6.000,00")
    desk, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    assert _autosave(desk, call, data).status_code == 403
    other, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, other_municipality)
    assert _autosave(other, call, data).status_code == 404
    call.refresh_from_db()
    assert call.budget == 500_000
    assert not _autosaved_events(call).exists()


def test_autosave_takes_only_post(admin_client, make_call):
    call = make_call(publish=False)
    assert admin_client.get(reverse("calls:call_autosave", args=[call.pk])).status_code == 405


def test_the_edit_page_shows_sections_status_and_summary(admin_client, make_call):
    call = make_call(publish=False)
    page = admin_client.get(reverse("calls:call_edit", args=[call.pk])).content.decode()
    for n, title in enumerate(
        [
            "Dati generali",
            "Date e budget",
            "Chi può partecipare",
            "Quanto spetta",
            "Punteggio e parità",
            "Dichiarazioni e documenti",
            "Riepilogo",
        ],
        start=1,
    ):
        assert f"{n}. {title}" in page
    assert 'href="#sec-summary"' in page and 'id="sec-summary"' in page
    assert 'aria-live="polite"' in page
    assert f'data-autosave-url="{reverse("calls:call_autosave", args=[call.pk])}"' in page
    # The summary describes the saved draft in plain Italian (calls/describe.py).
    assert "Importo massimo per nucleo: € 400,00." in page
    assert "Comuni e quote" not in page  # only a network's joint call has shares


def test_the_new_call_page_has_sections_but_no_autosave_yet(admin_client):
    page = admin_client.get(reverse("calls:call_create")).content.decode()
    assert "1. Dati generali" in page and "6. Dichiarazioni e documenti" in page
    assert "data-autosave-url" not in page
    assert "Riepilogo" not in page
    assert "Il salvataggio automatico parte dopo il primo salvataggio" in page


def test_a_joint_call_has_the_shares_section_and_autosaves_its_shares(
    network,
    municipality,
    other_municipality,
    joint_fund,  # noqa: F811
    network_actor,  # noqa: F811
    make_user_client,  # noqa: F811
):
    owner = make_user_client("rete.bozza@example.org", Role.PLATFORM_ADMIN, network)
    data = _share_data(joint_fund, municipality, other_municipality, share_mode="per_municipality")
    assert owner.post(reverse("calls:call_create"), data).status_code == 302
    call = Call.objects_unscoped.get()
    page = owner.get(reverse("calls:call_edit", args=[call.pk])).content.decode()
    assert "7. Comuni e quote" in page and "8. Riepilogo" in page
    data.update(
        {
            f"share_{other_municipality.pk}_amount": "6.000,00",
            f"share_{municipality.pk}_amount": "9.000,00",
        }
    )
    response = owner.post(reverse("calls:call_autosave", args=[call.pk]), data)
    assert response.status_code == 200, response.json()
    assert "Comuni aderenti" in response.json()["summary"]
    amounts = dict(call.shares.values_list("municipality_id", "amount"))
    assert amounts == {other_municipality.pk: 600_000, municipality.pk: 900_000}
    # Only the shares changed: still one audit event, since they are part of the draft.
    assert _autosaved_events(call).count() == 1
