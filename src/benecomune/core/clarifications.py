"""Clarification requests (soccorso istruttorio) shared by every app: open one on a request,
record the answer, let the unanswered ones expire.

The helpers run inside the caller's transaction (each app's service is the use case: it checks
who may act and notifies). Each writes exactly one audit event, under the app's own action: on
the request the clarification is about (the application, the claim), moving it through its
own lifecycle table when `Subject.target` is given. The payload keeps the app's keys and adds
the clarification's id under the model's `audit_key`.

The clarification's own status moves only as `CLARIFICATION` allows: open → answered,
open → expired (also when the request is withdrawn); answered and expired are final.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.lifecycle import Lifecycle
from benecomune.core.lifecycle import Transition as T
from benecomune.core.models.clarifications import Clarification, ClarificationStatus

# Who moves a clarification is decided by the table of the request it is about.
SUBJECT = "subject"

S = ClarificationStatus
CLARIFICATION = Lifecycle(
    Clarification,
    initial=S.OPEN,
    terminal=(S.ANSWERED, S.EXPIRED),
    transitions=[
        T(S.OPEN, S.ANSWERED, SUBJECT, "answered"),
        T(S.OPEN, S.EXPIRED, SUBJECT, "expired"),
    ],
)


@dataclass
class Subject:
    """The request a clarification is about and, with `target`, the move of its status that
    the audit event records (through `lifecycle`); without it the request stays as it is."""

    obj: Any
    lifecycle: Lifecycle
    target: str | None = None
    # Fields saved with the move (None: every field), as in `Lifecycle.apply`.
    extra_fields: list | None = field(default_factory=list)
    organization: Any = None
    person: Any = None


def _require_atomic() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("clarification helpers run inside the caller's transaction")


def _move(clarification: Clarification, target: str, error) -> None:
    """Set the clarification's status as the table allows, or refuse (Italian) unchanged."""
    if CLARIFICATION.find(clarification.status, target) is None:
        raise error(
            _("Questa richiesta di integrazione è «%(status)s»: non si può più modificare.")
            % {"status": clarification.get_status_display()}
        )
    clarification.status = target


def _record(actor, action, clarification, subject: Subject, *, before, after, reason):
    after = {**(after or {}), clarification.audit_key: clarification.pk}
    obj = subject.obj
    if subject.target is not None:
        subject.lifecycle.apply(
            actor,
            obj,
            subject.target,
            action=action,
            extra_fields=subject.extra_fields,
            organization=subject.organization,
            person=subject.person,
            before=before,
            after=after,
            reason=reason,
        )
        return
    # No move: the event still shows the request's status, as the tables' events do.
    status = getattr(obj, subject.lifecycle.field)
    audit.record(
        actor,
        action,
        obj,
        organization=subject.organization,
        person=subject.person,
        before={**(before or {}), subject.lifecycle.field: status},
        after={**after, subject.lifecycle.field: status},
        reason=reason,
    )


def open_clarification(
    actor: Actor,
    model: type[Clarification],
    *,
    subject_fields: dict,
    message: str,
    due_date: datetime.date | None,
    action: str,
    subject: Subject,
) -> Clarification:
    """Create an open clarification (`subject_fields`: its foreign key to the request) and
    record `action` on the request. The caller has validated the message and the date."""
    _require_atomic()
    clarification = model.objects.create(
        **subject_fields, message=message, due_date=due_date, requested_by=actor.user
    )
    after = {"due_date": due_date.isoformat()} if due_date else {}
    _record(actor, action, clarification, subject, before=None, after=after, reason=message)
    return clarification


def answer_clarification(
    actor: Actor,
    clarification: Clarification,
    answer: str,
    *,
    action: str,
    subject: Subject,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> Clarification:
    """Record the answer to an open clarification (refused, changing nothing, if it is no
    longer open) and `action` on the request. The caller locked the row."""
    _require_atomic()
    _move(clarification, ClarificationStatus.ANSWERED, subject.lifecycle.error)
    clarification.answer = answer
    clarification.answered_at = timezone.now()
    clarification.answered_by = actor.user
    clarification.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    _record(actor, action, clarification, subject, before=before, after=after, reason=reason)
    return clarification


def expire_clarifications(
    actor: Actor, queryset, *, action: str, subject_of, reason_of=None
) -> list[Clarification]:
    """Expire the open clarifications of `queryset` (locked, in id order; those answered
    meanwhile are skipped), one `action` event each on its request: `subject_of(row)` gives
    the `Subject`, `reason_of(row)` the event's reason. Returns the rows expired."""
    _require_atomic()
    expired = []
    for clarification in queryset.select_for_update().order_by("pk"):
        if not clarification.is_open:
            continue
        subject = subject_of(clarification)
        _move(clarification, ClarificationStatus.EXPIRED, subject.lifecycle.error)
        clarification.save(update_fields=["status"])
        reason = reason_of(clarification) if reason_of else ""
        _record(actor, action, clarification, subject, before=None, after=None, reason=reason)
        expired.append(clarification)
    return expired


def close_open_clarifications(queryset) -> int:
    """Expire, in one statement, the clarifications left open by a request that ends (e.g. an
    application withdrawn): the request's own event records the end, so none is written here."""
    _require_atomic()
    return queryset.filter(status=ClarificationStatus.OPEN).update(
        status=ClarificationStatus.EXPIRED
    )
