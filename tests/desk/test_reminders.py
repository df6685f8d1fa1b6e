"""Review reminders with a frozen clock: a case whose review date has come is reminded to its
operator once, by e-mail with the protocol only; a closed case, or a date still to come, is
not; a new date is reminded again."""

import datetime

from django.core import mail

from benecomune.desk.models import Case
from benecomune.desk.services import cases
from benecomune.desk.services.reviews import remind_due_reviews
from benecomune.desk.tasks import remind_reviews


def test_a_due_review_is_reminded_once(
    clock, manager, case, system_actor, django_capture_on_commit_callbacks
):
    cases.set_review(manager[0], case, on=datetime.date(2026, 3, 5))
    assert remind_due_reviews(system_actor) == 0  # Monday: not yet
    clock(3)  # Thursday
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_due_reviews(system_actor) == 1
    (message,) = mail.outbox
    assert message.to == [manager[1].email]
    assert case.protocol in message.subject and case.protocol in message.body
    assert case.person.last_name not in message.body  # no personal data in the e-mail
    assert remind_due_reviews(system_actor) == 0  # once per date
    clock(4)
    assert remind_reviews() == 0  # the beat task: still once
    cases.set_review(manager[0], case, on=datetime.date(2026, 3, 9))
    clock(7)
    assert remind_due_reviews(system_actor) == 1
    assert Case.objects_unscoped.get(pk=case.pk).reminded_for == datetime.date(2026, 3, 9)


def test_a_closed_case_is_not_reminded(clock, manager, case, system_actor):
    cases.set_review(manager[0], case, on=datetime.date(2026, 3, 3))
    cases.close(manager[0], case, outcome="answered")
    clock(5)
    assert remind_due_reviews(system_actor) == 0
