"""PostgreSQL concurrency: protocol numbers under parallel submissions, and the one-application-
per-person rule under parallel starts (real threads, committed transactions)."""

import pytest

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import Application, ApplicationStatus, Call
from benecomune.calls.services import applications as services
from tests.calls.applications_factory import citizen, ready_draft
from tests.calls.review_factory import make_family
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_submissions_get_unique_sequential_protocols(
    make_call, make_person, municipality, admin_actor, make_user
):
    call = make_call(code="buoni")
    count = 16
    drafts = []
    for i in range(count):
        family = make_family(
            make_person, municipality, admin_actor, last_name=f"Conti{chr(65 + i)}"
        )
        _user, actor = citizen(make_user, family["head"])
        body = f"%PDF-1.4 documento {i}".encode()
        drafts.append((actor, ready_draft(actor, call, family["head"], family["isee"], body=body)))

    def work(i):
        actor, application = drafts[i]
        return services.submit_application(actor, application).protocol

    protocols, errors = run_parallel(count, work)
    assert errors == []
    numbers = sorted(int(p.rsplit("-", 1)[1]) for p in protocols)
    assert numbers == list(range(1, count + 1))
    assert Call.objects_unscoped.get(pk=call.pk).protocol_counter == count
    stored = Application.objects_unscoped.filter(status=ApplicationStatus.SUBMITTED)
    assert sorted(stored.values_list("protocol", flat=True)) == sorted(protocols)


def test_parallel_starts_for_one_household_make_one_application(make_call, family, make_user):
    call = make_call()
    actors = [citizen(make_user, family[k])[1] for k in ("head", "spouse", "child")]
    people = [family[k] for k in ("head", "spouse", "child")]

    def work(i):
        return services.start_application(actors[i], call, people[i]).pk

    started, errors = run_parallel(3, work)
    assert len(started) == 1
    assert len(errors) == 2 and all(isinstance(e, CallError) for e in errors)
    assert all("fa già parte di un'altra domanda" in e.messages[0] for e in errors)
    assert Application.objects_unscoped.count() == 1


def test_close_waits_for_a_submission_in_flight(make_call, family, make_user, admin_actor):
    """Closing and submitting at the same moment: either the application got in (numbered)
    before the close, or it is refused; never numbered after the call closed."""
    from benecomune.calls.services.definition import close_call

    call = make_call()
    _u, head = citizen(make_user, family["head"])
    application = ready_draft(head, call, family["head"], family["isee"])

    def work(i):
        if i == 0:
            return ("closed", close_call(admin_actor, call, reason="Fine fondi").closed_at)
        try:
            return ("submitted", services.submit_application(head, application).submitted_at)
        except CallError:
            return ("refused", None)

    results, errors = run_parallel(2, work)
    assert errors == []
    outcome = dict(results)
    application.refresh_from_db()
    if outcome.get("submitted"):
        assert outcome["submitted"] <= outcome["closed"] and application.protocol
    else:
        assert application.protocol is None and application.status == ApplicationStatus.DRAFT
