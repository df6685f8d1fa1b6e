"""Protocol numbers print the year once, also for calls coded with their year (issue 13)."""

import pytest
from django.utils import timezone

from benecomune.calls.services import applications as services
from benecomune.calls.services.submission import protocol_candidates
from tests.calls.applications_factory import citizen, ready_draft
from tests.calls.review_factory import make_family

pytestmark = pytest.mark.django_db


def test_a_call_coded_with_its_year_gets_the_year_once(
    make_call, make_person, municipality, admin_actor, make_user
):
    year = timezone.localtime().year
    call = make_call(code=f"buoni-rete-{year}")
    family = make_family(make_person, municipality, admin_actor)
    _user, actor = citizen(make_user, family["head"])
    application = ready_draft(actor, call, family["head"], family["isee"])
    protocol = services.submit_application(actor, application).protocol
    assert protocol == f"BUONI-RETE-{year}-000001"


def test_only_the_submission_year_is_dropped_from_the_code(make_call):
    call = make_call(code="bonus-2025-2026")
    plain, distinct = protocol_candidates(call, 7, 2026)
    assert plain == "BONUS-2025-2026-000007"
    assert distinct.endswith(f"-B{call.pk}-2026-000007") and distinct.count("2026") == 1
