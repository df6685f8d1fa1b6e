"""PostgreSQL: two validators deciding the same application at once, two expiry runs at once.
The application's row lock lets exactly one of them through."""

import datetime

import pytest
from django.utils import timezone

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import ApplicationStatus, ClarificationStatus
from benecomune.calls.services import review
from benecomune.core.models import AuditEvent, Role
from benecomune.core.scoping import all_tenants
from tests.calls.review_factory import instruct, make_application, refresh
from tests.helpers import actor_for
from tests.helpers import run_parallel as _run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_parallel(works):
    return _run_parallel(works, scope=all_tenants)


def test_two_validators_one_decision(make_call, family, operator_actor, make_user, municipality):
    application = instruct(operator_actor, make_application(make_call(), family))
    validators = [
        actor_for(
            make_user(f"convalida{i}@example.org", role=Role.VALIDATOR, organization=municipality),
            Role.VALIDATOR,
            municipality,
        )
        for i in range(2)
    ]
    results, errors = run_parallel(
        [
            lambda: review.decide(validators[0], application, True, ""),
            lambda: review.decide(validators[1], application, False, "Respinta"),
        ]
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], CallError)
    assert "istruita" in errors[0].messages[0]
    decided = refresh(application)
    assert decided.status in (ApplicationStatus.ADMITTED, ApplicationStatus.REJECTED)
    assert (
        AuditEvent.objects_unscoped.filter(
            object_id=str(application.pk),
            action__in=["calls.application_admitted", "calls.application_rejected"],
        ).count()
        == 1
    )


def test_two_expiry_runs_expire_once(make_call, family, operator_actor):
    """Each run locks the application, then re-reads its request: the second finds it closed."""
    application = make_application(make_call(), family)
    with all_tenants():
        request = review.request_application_clarification(operator_actor, application, "Firmi")
    later = request.due_date + datetime.timedelta(days=1)
    results, errors = run_parallel(
        [
            lambda: review.expire_clarifications(operator_actor, today=later),
            lambda: review.expire_clarifications(operator_actor, today=later),
        ]
    )
    assert not errors
    assert sorted(results) == [0, 1]
    request.refresh_from_db()
    assert request.status == ClarificationStatus.EXPIRED
    assert refresh(application).status == ApplicationStatus.SUBMITTED
    assert timezone.localdate() < later
