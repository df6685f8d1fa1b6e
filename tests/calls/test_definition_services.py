"""Call lifecycle services: validation, publishing reserves the budget, frozen rules, versions."""

import pytest
from django.core.exceptions import ValidationError

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import Application, CallStatus
from benecomune.calls.services import definition
from benecomune.core.scoping import all_tenants
from benecomune.ledger.services.funds import fund_summary

pytestmark = pytest.mark.django_db


def test_publish_reserves_the_whole_budget(make_call, call_fund):
    call = make_call(budget=300_000)
    assert call.status == CallStatus.PUBLISHED
    summary = fund_summary(call_fund)
    assert summary["reserved"] == 300_000
    assert summary["available"] == 1_000_000 - 300_000


def test_budget_beyond_the_fund_cannot_be_published(make_call, admin_actor):
    call = make_call(publish=False, budget=2_000_000)
    with all_tenants(), pytest.raises(ValidationError):
        definition.publish_call(admin_actor, call)
    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT


def test_published_rules_are_frozen(make_call, admin_actor):
    call = make_call()
    with all_tenants(), pytest.raises(CallError):
        definition.update_call(admin_actor, call, title="Altro titolo")


def test_malformed_rules_are_refused_with_a_message(make_call):
    with pytest.raises(ValidationError) as info:
        make_call(publish=False, rules={"amount": {"kind": "per_member", "per_member": -5}})
    assert "rules" in info.value.message_dict


def test_new_version_supersedes_and_releases_the_old_budget(make_call, admin_actor, call_fund):
    call = make_call(budget=300_000)
    with all_tenants():
        draft = definition.new_version(admin_actor, call, reason="Soglia ISEE corretta")
        definition.update_call(admin_actor, draft, budget=400_000)
        definition.publish_call(admin_actor, draft)
    call.refresh_from_db()
    assert call.status == CallStatus.SUPERSEDED
    assert fund_summary(call_fund)["reserved"] == 400_000
    assert not Application.objects_unscoped.filter(call=call).exists()


def test_dry_run_counts_the_registry(make_call, family):
    call = make_call(publish=False)
    with all_tenants():
        result = definition.dry_run(call)
    assert result["households"] == 1
    assert result["qualifying"] == 1
    # 5,000 base + 3 members x 5,000 + one minor 2,500
    assert result["cost"] == 22_500
