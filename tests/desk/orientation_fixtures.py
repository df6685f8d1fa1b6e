"""Orientation fixtures: open calls published through the calls services, catalogue services
published through the marketplace services by an accredited provider, a public wallet."""

import pytest

from benecomune.core.scoping import all_tenants
from benecomune.marketplace.services import catalogue
from tests.calls.conftest import FOOD_RULES, admin_actor, call_fund, family, make_call  # noqa: F401
from tests.ledger.conftest import make_fund, make_wallet  # noqa: F401
from tests.marketplace.conftest import accredited, admins, checklist, make_provider  # noqa: F401
from tests.marketplace.test_catalogue import service_data

ELDER_CALL_RULES = {
    "eligibility": {"requires_over_75": True},
    "amount": {"kind": "fixed", "base": 30_000},
}


@pytest.fixture
def calls(make_call):  # noqa: F811
    """A food voucher (groceries and pharmacies, ISEE up to 12,000 euro) and a home-care
    contribution for households with someone over 75."""
    return {
        "food": make_call(title="Buoni spesa solidarietà alimentare"),
        "home_care": make_call(
            title="Contributo assistenza domiciliare over 75",
            rules=ELDER_CALL_RULES,
            allowed_categories=["home_care"],
        ),
    }


def publish_service(owner, provider, **changes):
    with all_tenants():
        service = catalogue.create_service(owner, provider, **service_data(**changes))
        catalogue.publish(owner, service)
        service.refresh_from_db()
    return service


@pytest.fixture
def services(accredited, municipality):  # noqa: F811
    provider, owner, _accreditation = accredited
    common = {"payable_by": ["public", "own"], "art51_category": "", "price": "20,00"}
    return {
        "home_care": publish_service(
            owner,
            provider,
            title="Assistenza domiciliare anziani",
            user_area="elderly",
            service_type="home_care",
            target_groups=["elderly"],
            delivery="at_home",
            municipalities_served=[municipality],
            **common,
        ),
        "lab": publish_service(
            owner,
            provider,
            title="Laboratorio di socializzazione",
            user_area="elderly",
            service_type="leisure",
            target_groups=["elderly"],
            delivery="in_person",
            **common,
        ),
        "tutoring": publish_service(
            owner,
            provider,
            title="Doposcuola",
            user_area="family_minors",
            service_type="tutoring",
            target_groups=["minors"],
            delivery="in_person",
            **common,
        ),
    }
