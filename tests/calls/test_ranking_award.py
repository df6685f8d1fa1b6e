"""Ranking and award: order, strict allocation, budget never exceeded, wallets credited."""

import pytest
from django.core import mail

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import (
    Award,
    CallStatus,
    Ranking,
    RankingKind,
)
from benecomune.calls.services import award as award_service
from benecomune.calls.services import definition, ranking
from benecomune.core.models import Notification
from benecomune.core.scoping import all_tenants
from benecomune.ledger.services.funds import fund_summary
from benecomune.ledger.services.invariants import check_invariants
from benecomune.ledger.services.statements import balance
from tests.calls.factories import admitted_application

pytestmark = pytest.mark.django_db

SIMPLE_RULES = {
    "amount": {"kind": "fixed", "base": 10_000},
    "scoring": {
        "isee_bands": [{"isee_max": 300_000, "points": 20}, {"isee_max": 900_000, "points": 10}]
    },
    "tie_breaks": ["isee_asc"],
}


def _ranked(make_call, make_person, municipality, admin_actor, *, budget, isees):
    call = make_call(rules=SIMPLE_RULES, budget=budget)
    apps = []
    for i, isee in enumerate(isees):
        person = make_person(
            municipality, first_name=f"Anna{chr(65 + i)}", email=f"p{i}@example.org"
        )
        apps.append(admitted_application(call, person, isee=isee, minutes=i))
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test: chiusura anticipata")
        ranking.build_ranking(admin_actor, call, RankingKind.PROVISIONAL)
        ranking.build_ranking(admin_actor, call, RankingKind.FINAL, reason="Nessun ricorso")
    call.refresh_from_db()
    return call, apps


def test_ranking_orders_by_score_then_tie_breaks_then_time(
    make_call, make_person, municipality, admin_actor
):
    # scores: 200_000 → 20 points; 800_000 → 10; 250_000 → 20 (lower ISEE wins the tie)
    call, apps = _ranked(
        make_call,
        make_person,
        municipality,
        admin_actor,
        budget=100_000,
        isees=[200_000, 800_000, 250_000, 200_000],
    )
    final = Ranking.objects.get(call=call, kind=RankingKind.FINAL)
    order = list(final.entries.order_by("position").values_list("application_id", flat=True))
    # same score and ISEE: the earlier submission first
    assert order == [apps[0].pk, apps[3].pk, apps[2].pk, apps[1].pk]


def test_budget_is_allocated_in_strict_order_and_never_exceeded(
    make_call, make_person, municipality, admin_actor, call_fund, django_capture_on_commit_callbacks
):
    call, apps = _ranked(
        make_call,
        make_person,
        municipality,
        admin_actor,
        budget=25_000,
        isees=[100_000, 200_000, 300_000],
    )
    final = Ranking.objects.get(call=call, kind=RankingKind.FINAL)
    assert (final.funded_count, final.funded_total) == (2, 20_000)
    with all_tenants(), django_capture_on_commit_callbacks(execute=True):
        award_service.award_call(admin_actor, call)
    call.refresh_from_db()
    assert call.status == CallStatus.AWARDED
    awards = Award.objects_unscoped.filter(call=call)
    assert sorted(a.application_id for a in awards) == sorted([apps[0].pk, apps[1].pk])
    for award in awards:
        assert balance(award.wallet.account) == 10_000
        assert award.wallet.person_id == award.person_id
    summary = fund_summary(call_fund)
    assert summary["awarded"] == 20_000
    assert summary["reserved"] == 0  # the 5,000 not awarded went back to the fund
    assert summary["available"] == 1_000_000 - 20_000
    assert check_invariants() == []
    # everyone hears the outcome: two awards, one "idonea non finanziata"
    assert Notification.objects.filter(subject__startswith="Contributo assegnato").count() == 2
    assert Notification.objects.filter(subject__startswith="Esito del bando").count() == 1
    assert len(mail.outbox) == 3


def test_award_is_idempotent_and_resumes(
    make_call, make_person, municipality, admin_actor, call_fund
):
    call, _apps = _ranked(
        make_call,
        make_person,
        municipality,
        admin_actor,
        budget=100_000,
        isees=[100_000, 200_000, 300_000],
    )
    with all_tenants():
        # a crash after the first chunk: simulate by awarding with a tiny chunk and failing
        award_service.CHUNK, saved = 1, award_service.CHUNK
        calls = {"n": 0}

        def boom(done, total):
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("crash")

        try:
            with pytest.raises(RuntimeError):
                award_service.award_call(admin_actor, call, progress=boom)
            assert Award.objects_unscoped.filter(call=call).count() == 1
            award_service.award_call(admin_actor, call)
            award_service.award_call(admin_actor, call)
        finally:
            award_service.CHUNK = saved
    assert Award.objects_unscoped.filter(call=call).count() == 3
    assert fund_summary(call_fund)["awarded"] == 30_000
    assert check_invariants() == []


def test_ranking_refused_while_applications_are_pending(
    make_call, make_person, municipality, admin_actor
):
    call = make_call(rules=SIMPLE_RULES)
    person = make_person(municipality)
    admitted_application(call, person, status="submitted")
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test")
        with pytest.raises(CallError):
            ranking.build_ranking(admin_actor, call, RankingKind.PROVISIONAL)


def test_final_ranking_waits_for_the_appeal_window(
    make_call, make_person, municipality, admin_actor
):
    call = make_call(rules=SIMPLE_RULES)
    admitted_application(call, make_person(municipality))
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test")
        ranking.build_ranking(admin_actor, call, RankingKind.PROVISIONAL)
        with pytest.raises(CallError):
            ranking.build_ranking(admin_actor, call, RankingKind.FINAL)
        with pytest.raises(CallError):
            award_service.award_call(admin_actor, call)


def test_reimbursement_award_keeps_the_amount_reserved(
    make_call, make_person, municipality, admin_actor, call_fund
):
    call = make_call(rules=SIMPLE_RULES, budget=50_000, benefit_type="reimbursement")
    admitted_application(call, make_person(municipality), isee=100_000)
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test")
        ranking.build_ranking(admin_actor, call, RankingKind.PROVISIONAL)
        ranking.build_ranking(admin_actor, call, RankingKind.FINAL, reason="Nessun ricorso")
        award_service.award_call(admin_actor, call)
    award = Award.objects_unscoped.get(call=call)
    assert award.wallet is None
    summary = fund_summary(call_fund)
    assert summary["reserved"] == 10_000
    assert summary["awarded"] == 0


def test_exclusion_names_any_version_of_the_awarded_call(
    make_call, make_person, municipality, admin_actor
):
    from benecomune.calls.models import Award
    from benecomune.calls.services.facts import awarded_call_ids

    first = make_call(rules=SIMPLE_RULES)
    with all_tenants():
        second = definition.new_version(admin_actor, first, reason="Correzione")
        definition.publish_call(admin_actor, second)
    person = make_person(municipality)
    application = admitted_application(second, person)
    with all_tenants():
        Award.objects_unscoped.create(
            organization=municipality,
            call=second,
            application=application,
            person=person,
            benefit_type="voucher",
            amount=10_000,
        )
    assert awarded_call_ids([person.fiscal_code]) == {first.pk, second.pk}
