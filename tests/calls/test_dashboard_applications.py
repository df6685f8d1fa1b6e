"""The observatory's applications table: counts per call and state, and the mean days from
submission to decision averaged by the database (compared with the mean of the stored rows)."""

import datetime

import pytest

from benecomune.calls.models import Application
from benecomune.calls.services import review
from benecomune.core.scoping import all_tenants
from benecomune.observatory.dashboards import activity
from benecomune.observatory.dashboards.scope import ISSUERS, Audience, Filters
from tests.calls.review_factory import instruct, make_application, make_family

pytestmark = pytest.mark.django_db


def test_mean_days_to_decision(
    make_call, family, make_person, municipality, admin_actor, operator_actor, validator_actor
):
    call = make_call()
    other = make_family(make_person, municipality, admin_actor, last_name="Neri")
    decided = []
    for who, approve in ((family, True), (other, False)):
        application = instruct(operator_actor, make_application(call, who))
        with all_tenants():
            decided.append(review.decide(validator_actor, application, approve, "Motivo"))
    waiting = make_application(call, make_family(make_person, municipality, admin_actor))
    # Submitted 3 and 6 days (and a few hours) before their decision: the mean is 4.7 days.
    for application, days in zip(decided, (3, 6), strict=True):
        Application.objects_unscoped.filter(pk=application.pk).update(
            submitted_at=application.decided_at - datetime.timedelta(days=days, hours=5)
        )
    rows = Application.objects_unscoped.filter(call=call, decided_at__isnull=False)
    expected = sum((r.decided_at - r.submitted_at).total_seconds() for r in rows) / 2 / 86_400
    audience = Audience(ISSUERS, "municipality", (municipality.pk,), municipality.name)
    table = activity.applications(audience, Filters())
    [row] = table.rows
    assert row[0] == call.title
    assert sum(row[1:-1]) == 3  # admitted, rejected, still submitted
    assert waiting.pk not in {r.pk for r in rows}
    assert row[-1] == f"{expected:.1f}".replace(".", ",") == "4,7"
