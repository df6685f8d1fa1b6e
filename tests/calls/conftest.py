"""Fixtures for calls: a funded Comune, a family with an ISEE, a call factory, staff actors."""

import datetime

import pytest
from django.utils import timezone

from benecomune.calls.demo import food_amount, food_scoring
from benecomune.calls.services import definition
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from benecomune.core.services.people import add_household_member, create_household
from benecomune.ledger.services.funds import add_contribution, create_fund
from tests.calls.factories import isee_record

FOOD_RULES = {
    "eligibility": {"isee_max": 1_200_000, "min_members": 1},
    # The demo's food call's amount (without the extra per disabled member) and scoring.
    "amount": food_amount(extra_per_minor=2_500),
    "scoring": food_scoring(),
    "tie_breaks": ["isee_asc", "minors_desc"],
    "declarations": [
        {"code": "truthful", "text": "Dichiaro che i dati sono veri (DPR 445/2000)."},
        {"code": "no_other_aid", "text": "Non ricevo altri buoni spesa comunali."},
    ],
    "documents": [{"code": "id_card", "label": "Documento d'identità", "required": True}],
}


@pytest.fixture
def admin_actor(make_actor, municipality):
    return make_actor("admin.calls@example.org", Role.MUNICIPALITY_ADMIN, municipality)


@pytest.fixture
def operator_actor(make_actor, municipality):
    return make_actor("sportello.calls@example.org", Role.DESK_OPERATOR, municipality)


@pytest.fixture
def validator_actor(make_actor, municipality):
    return make_actor("convalida.calls@example.org", Role.VALIDATOR, municipality)


@pytest.fixture
def call_fund(municipality, admin_actor):
    with all_tenants():
        fund = create_fund(
            admin_actor,
            organization=municipality,
            name="Solidarietà alimentare",
            origin="municipal",
        )
        add_contribution(admin_actor, fund, contributor="Comune", amount=1_000_000)
    return fund


@pytest.fixture
def make_call(municipality, admin_actor, call_fund):
    """make_call(publish=True, **overrides) -> Call (a Comune's food-voucher call by default)."""
    counter = {"n": 0}

    def make(*, publish=True, rules=None, budget=500_000, **fields):
        counter["n"] += 1
        now = timezone.now()
        values = {
            "code": f"buoni-{counter['n']}",
            "title": "Buoni spesa solidarietà alimentare",
            "benefit_type": "voucher",
            "fund": call_fund,
            "budget": budget,
            "rules": rules if rules is not None else FOOD_RULES,
            "opens_at": now - datetime.timedelta(days=1),
            "closes_at": now + datetime.timedelta(days=30),
            "spend_from": now.date(),
            "spend_until": now.date() + datetime.timedelta(days=180),
            "allowed_categories": ["grocery", "pharmacy"],
        }
        values.update(fields)
        with all_tenants():
            call = definition.create_call(admin_actor, organization=municipality, **values)
            if publish:
                call = definition.publish_call(admin_actor, call)
        return call

    return make


@pytest.fixture
def family(make_person, municipality, admin_actor):
    """Head (1980), spouse (1982), child (2016) in Piazzola, with an ISEE of 8,500 euro."""
    with all_tenants():
        head = make_person(
            municipality,
            first_name="Giulia",
            last_name="Bianchi",
            sex="F",
            email="giulia@example.org",
        )
        spouse = make_person(
            municipality, first_name="Marco", last_name="Bianchi", birthdate="01/01/1982"
        )
        child = make_person(
            municipality, first_name="Luca", last_name="Bianchi", birthdate="01/01/2016"
        )
        household = create_household(admin_actor, head=head, address="Via Roma 1")
        add_household_member(admin_actor, household, spouse, "spouse")
        add_household_member(admin_actor, household, child, "child")
    isee = isee_record(head, [head, spouse, child], 850_000, "00000001")
    return {"head": head, "spouse": spouse, "child": child, "household": household, "isee": isee}
