"""Lifecycle from the staff pages: dry run, publish, new version, close, close out; a
network's joint call with the shares of its Comuni."""

import pytest
from django.urls import reverse

from benecomune.calls.models import Call, CallReservation, CallShare, CallStatus
from benecomune.core.models import AuditEvent, Role
from benecomune.core.scoping import all_tenants
from benecomune.ledger.services.funds import add_contribution, create_fund, fund_summary
from tests.calls.test_definition_pages import editor_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(staff_client, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    return client


# --- dry run --------------------------------------------------------------------------------


def test_dry_run_page_counts_costs_and_explains(admin_client, make_call, family, make_person):
    with all_tenants():
        make_person(family["head"].residence, first_name="Piero", last_name="Solo")  # no ISEE
    call = make_call(publish=False)
    page = admin_client.get(reverse("calls:call_dry_run", args=[call.pk]))
    assert page.status_code == 200
    result = page.context["result"]
    assert (result["households"], result["qualifying"], result["cost"]) == (2, 1, 22_500)
    html = page.content.decode()
    assert "Il budget copre tutti gli aventi diritto." in html
    assert "Senza un ISEE valido nell&#x27;anno in corso" in html
    assert "Piazzola sul Brenta" in html and "€ 225,00" in html


def test_dry_run_warns_when_the_budget_is_short(admin_client, make_call, family):
    call = make_call(publish=False, budget=10_000)
    html = admin_client.get(reverse("calls:call_dry_run", args=[call.pk])).content.decode()
    assert "Il budget non basta." in html
    assert "mancano € 125,00" in html


def test_dry_run_warns_when_the_fund_cannot_hold_the_budget(admin_client, make_call, family):
    call = make_call(publish=False, budget=2_000_000)
    html = admin_client.get(reverse("calls:call_dry_run", args=[call.pk])).content.decode()
    assert "meno del budget, che alla pubblicazione viene prenotato per intero" in html


# --- publish ----------------------------------------------------------------------------------


def test_publish_from_the_page_reserves_the_budget(admin_client, make_call, call_fund):
    call = make_call(publish=False, budget=300_000)
    confirm = admin_client.get(reverse("calls:call_publish", args=[call.pk]))
    assert "Budget da prenotare" in confirm.content.decode()
    response = admin_client.post(reverse("calls:call_publish", args=[call.pk]), follow=True)
    assert "Bando pubblicato" in response.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    assert fund_summary(call_fund)["reserved"] == 300_000


def test_publish_refused_when_the_fund_is_short_changes_nothing(admin_client, make_call, call_fund):
    call = make_call(publish=False, budget=2_000_000)
    confirm = admin_client.get(reverse("calls:call_publish", args=[call.pk])).content.decode()
    assert "la pubblicazione sarà rifiutata" in confirm
    response = admin_client.post(reverse("calls:call_publish", args=[call.pk]), follow=True)
    assert "Il bando non è stato pubblicato" in response.content.decode()
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
    assert not CallReservation.objects.filter(call=call).exists()
    assert fund_summary(call_fund)["reserved"] == 0


# --- versions ---------------------------------------------------------------------------------


def test_new_version_needs_a_reason(admin_client, make_call):
    call = make_call()
    response = admin_client.post(
        reverse("calls:call_new_version", args=[call.pk]), {"reason": "  "}
    )
    assert response.status_code == 200
    assert "Questo campo è obbligatorio." in response.content.decode()
    assert Call.objects_unscoped.count() == 1


def test_new_version_then_publish_supersedes_with_history(admin_client, make_call, call_fund):
    call = make_call(budget=300_000)
    response = admin_client.post(
        reverse("calls:call_new_version", args=[call.pk]), {"reason": "Soglia ISEE corretta"}
    )
    draft = Call.objects_unscoped.get(previous_version=call)
    assert response.url == reverse("calls:call_edit", args=[draft.pk])
    assert draft.version == 2 and draft.status == CallStatus.DRAFT
    old_page = admin_client.get(reverse("calls:call_detail", args=[call.pk])).content.decode()
    assert "è in preparazione" in old_page
    # The code of a later version cannot change: the public address stays the same.
    edit = admin_client.get(reverse("calls:call_edit", args=[draft.pk]))
    assert edit.context["editor"].general.fields["code"].disabled
    data = editor_data(call_fund, code="altro-codice", budget="4.000,00", isee_max="15.000,00")
    assert admin_client.post(reverse("calls:call_edit", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.code == call.code
    assert draft.rules["eligibility"]["isee_max"] == 1_500_000
    admin_client.post(reverse("calls:call_publish", args=[draft.pk]))
    call.refresh_from_db()
    draft.refresh_from_db()
    assert (call.status, draft.status) == (CallStatus.SUPERSEDED, CallStatus.PUBLISHED)
    assert fund_summary(call_fund)["reserved"] == 400_000
    old_page = admin_client.get(reverse("calls:call_detail", args=[call.pk])).content.decode()
    assert "è stata sostituita dalla" in old_page
    history = admin_client.get(reverse("calls:call_detail", args=[draft.pk])).content.decode()
    for label in (
        "Nuova versione del bando",
        "Motivo: Soglia ISEE corretta",
        "Bando sostituito da una nuova versione",
        "Bando pubblicato",
        "Versione 1",
    ):
        assert label in history
    # Superseded versions leave the default list and stay reachable through the filter.
    listing = admin_client.get(reverse("calls:call_list"))
    assert [c.pk for c in listing.context["page"]] == [draft.pk]
    old = admin_client.get(reverse("calls:call_list"), {"stato": "superseded"})
    assert [c.pk for c in old.context["page"]] == [call.pk]


# --- close, close out -------------------------------------------------------------------------


def test_closing_early_needs_a_reason(admin_client, make_call):
    call = make_call()
    page = admin_client.get(reverse("calls:call_close", args=[call.pk]))
    assert "per chiudere prima indichi il motivo" in page.content.decode()
    response = admin_client.post(reverse("calls:call_close", args=[call.pk]), {"reason": ""})
    assert response.status_code == 200
    call.refresh_from_db()
    assert call.status == CallStatus.PUBLISHED
    response = admin_client.post(
        reverse("calls:call_close", args=[call.pk]), {"reason": "Budget esaurito"}
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert AuditEvent.objects_unscoped.get(action="calls.call_closed").reason == "Budget esaurito"


def test_close_out_only_after_the_award_and_releases_the_rest(admin_client, make_call, call_fund):
    call = make_call(budget=300_000)
    refused = admin_client.post(reverse("calls:call_close_out", args=[call.pk]), {"reason": ""})
    assert "Si conclude solo un bando con i contributi assegnati." in refused.content.decode()
    Call.objects_unscoped.filter(pk=call.pk).update(status=CallStatus.AWARDED)
    response = admin_client.post(reverse("calls:call_close_out", args=[call.pk]), {"reason": ""})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED_OUT
    assert fund_summary(call_fund)["available"] == 1_000_000


# --- a network's joint call -------------------------------------------------------------------


@pytest.fixture
def network_admin(staff_client, network):
    client, _user, _membership = staff_client(Role.PLATFORM_ADMIN, network)
    return client


@pytest.fixture
def network_fund(network, system_actor):
    with all_tenants():
        fund = create_fund(
            system_actor, organization=network, name="Fondo di rete", origin="municipal"
        )
        add_contribution(system_actor, fund, contributor="Comune di Piazzola", amount=300_000)
        add_contribution(system_actor, fund, contributor="Comune di Limena", amount=200_000)
    return fund


def _shares(*rows):
    data = {}
    for municipality, amount in rows:
        data[f"share_{municipality.pk}"] = "on"
        data[f"share_{municipality.pk}_amount"] = amount
    return data


def test_network_joint_call_with_the_shares_of_its_comuni(
    network_admin, network, network_fund, municipality, other_municipality
):
    page = network_admin.get(reverse("calls:call_create")).content.decode()
    assert "Comuni che aderiscono e quota di ciascuno" in page
    assert "Comune di Limena" in page
    data = editor_data(
        network_fund, **_shares((municipality, "3.000,00"), (other_municipality, "1.000,00"))
    )
    refused = network_admin.post(reverse("calls:call_create"), data)
    assert refused.status_code == 200
    assert "Le quote dei Comuni devono sommare al budget del bando." in refused.content.decode()
    assert not Call.objects_unscoped.exists()

    data = editor_data(
        network_fund, **_shares((municipality, "3.000,00"), (other_municipality, "2.000,00"))
    )
    response = network_admin.post(reverse("calls:call_create"), data)
    assert response.status_code == 302
    call = Call.objects_unscoped.get()
    assert call.organization_id == network.pk
    shares = dict(CallShare.objects.filter(call=call).values_list("municipality_id", "amount"))
    assert shares == {municipality.pk: 300_000, other_municipality.pk: 200_000}
    detail = network_admin.get(response.url).content.decode()
    assert "Comuni aderenti" in detail
    assert "residenti nei Comuni di Limena e Piazzola sul Brenta" in detail


def test_network_call_needs_at_least_one_comune(network_admin, network_fund, municipality):
    data = editor_data(network_fund, **{f"share_{municipality.pk}_amount": "5.000,00"})
    response = network_admin.post(reverse("calls:call_create"), data)
    html = response.content.decode()
    assert "Scelga almeno un Comune che aderisce al bando." in html
    assert "Indichi una quota solo per i Comuni che aderiscono." in html
    assert not Call.objects_unscoped.exists()


def test_a_comunes_call_cannot_use_the_networks_fund(admin_client, network_fund):
    response = admin_client.post(reverse("calls:call_create"), editor_data(network_fund))
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida." in response.content.decode()
    assert not Call.objects_unscoped.exists()
