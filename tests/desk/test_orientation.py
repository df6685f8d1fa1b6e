"""Orientation matching, table-driven: a person and their needs → the calls and services
proposed, each with why (the need it answers, the rules met) and what is unknown. Calls are
published through the calls services, services through the marketplace's; a suggestion is
dismissed with a reason (audited)."""

import pytest
from django.core.exceptions import ValidationError

from benecomune.core.models import AuditEvent
from benecomune.desk.orientation.propose import propose
from benecomune.desk.services import intake
from benecomune.desk.services import orientation as decisions
from tests.desk.conftest import intake_for, needs
from tests.desk.orientation_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

# (who, needs, expected calls, expected services)
CASES = [
    (
        "elder",
        ["assistenza-domiciliare-anziani", "solitudine"],
        {"home_care"},
        {"home_care", "lab"},
    ),
    ("elder", ["spesa-alimentare"], {"food"}, set()),
    ("family", ["doposcuola"], set(), {"tutoring"}),
    ("family", ["assistenza-domiciliare-anziani"], set(), set()),
    ("family", ["spesa-alimentare"], {"food"}, set()),
]


def titles(objects, keys):
    return {objects[k].title for k in keys}


def open_for(manager, point, person, codes):
    return intake.open_case(manager[0], point, intake_for(person, needs=needs(*codes)))


@pytest.mark.parametrize(("who", "codes", "want_calls", "want_services"), CASES)
def test_matching(
    manager, point, elder, family, calls, services, who, codes, want_calls, want_services
):
    person = elder if who == "elder" else family["head"]
    proposal = propose(open_for(manager, point, person, codes))
    got_calls = {s.title for s in proposal.suggestions if s.kind == "call"}
    got_services = {s.title for s in proposal.suggestions if s.kind == "service"}
    assert got_calls == titles(calls, want_calls)
    assert got_services == titles(services, want_services)
    for suggestion in proposal.suggestions:
        assert suggestion.reasons, suggestion.title
        assert suggestion.needs


def test_reasons_say_which_need_which_rules_and_what_is_unknown(
    manager, point, elder, calls, services, make_fund, make_wallet
):
    make_wallet(make_fund(50_000), 50_000, person=elder)
    case = open_for(manager, point, elder, ["assistenza-domiciliare-anziani", "spesa-alimentare"])
    found = propose(case).by_key()
    home_call = found[f"call:{calls['home_care'].pk}"]
    assert any("«Assistenza domiciliare»" in r for r in home_call.reasons)
    assert any("over 75" in r for r in home_call.reasons)
    assert any("Importo indicativo" in r for r in home_call.reasons)
    assert not home_call.unknowns
    food = found[f"call:{calls['food'].pk}"]
    assert any("ISEE" in u for u in food.unknowns)  # no ISEE known: proposed, to be checked
    home_service = found[f"service:{services['home_care'].pk}"]
    assert any("Si può pagare con «Buono spesa 2026»" in r for r in home_service.reasons)
    assert any("A domicilio" in r for r in home_service.reasons)
    assert any("anziani" in r for r in home_service.reasons)


def test_family_with_isee_meets_the_food_call_rules(manager, point, family, calls):
    case = open_for(manager, point, family["head"], ["spesa-alimentare"])
    food = propose(case).by_key()[f"call:{calls['food'].pk}"]
    assert any("entro la soglia" in r for r in food.reasons)
    assert not food.unknowns


def test_anonymous_contact_gets_services_with_unknown_payers(manager, point, calls, services):
    case = intake.open_case(
        manager[0], point, intake_for(None, needs=needs("assistenza-domiciliare-anziani"))
    )
    proposal = propose(case)
    assert proposal.unknowns
    service = proposal.by_key()[f"service:{services['home_care'].pk}"]
    assert service.unknowns


def test_points_are_proposed_for_needs_nothing_else_answers(
    manager, point, elder, company_point, system_actor
):
    case = open_for(manager, point, elder, ["permesso-soggiorno"])
    proposal = propose(case)
    points = [s for s in proposal.suggestions if s.kind == "point"]
    assert [p.title for p in points] == [company_point.name]
    assert any("Permesso di soggiorno" in r for r in points[0].reasons)


def test_dismissal_with_reason_is_audited_and_hides_the_suggestion(manager, point, elder, services):
    case = open_for(manager, point, elder, ["solitudine"])
    key = f"service:{services['lab'].pk}"
    with pytest.raises(ValidationError):
        services_dismiss(manager, case, key, "")
    assert AuditEvent.objects_unscoped.filter(action="desk.case_refused").exists()
    services_dismiss(manager, case, key, "Preferisce il centro parrocchiale")
    proposal = propose(case)
    assert key not in proposal.by_key()
    assert proposal.dismissed[key].reason == "Preferisce il centro parrocchiale"
    event = AuditEvent.objects_unscoped.get(action="desk.suggestion_dismissed")
    assert event.after == {"suggestion": key} and event.person_id == elder.pk
    with pytest.raises(ValidationError):  # no longer proposed: cannot be dismissed twice
        services_dismiss(manager, case, key, "Di nuovo")


def services_dismiss(manager, case, key, reason):
    return decisions.dismiss(manager[0], case, key=key, reason=reason)


def test_another_points_operator_cannot_dismiss(other_manager, manager, point, elder, services):
    from django.core.exceptions import PermissionDenied

    case = open_for(manager, point, elder, ["solitudine"])
    with pytest.raises(PermissionDenied):
        decisions.dismiss(other_manager[0], case, key=f"service:{services['lab'].pk}", reason="x")
