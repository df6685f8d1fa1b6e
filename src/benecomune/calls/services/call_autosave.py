"""The call editor's automatic save of a draft, while staff fill the long form.

The audit log is append-only, so a coalesced event cannot be updated: one event
("calls.call_autosaved") per person and call within AUTOSAVE_AUDIT_WINDOW says who worked on
the draft and when; the explicit save ("calls.call_updated") and the publication record the
full state."""

import datetime

from django.db import transaction
from django.utils import timezone

from benecomune.calls.models import Call
from benecomune.calls.services.definition import apply_draft_changes
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent

AUTOSAVE_AUDIT_WINDOW = datetime.timedelta(minutes=10)


@transaction.atomic
def autosave_call(actor: Actor, call: Call, *, shares=None, **fields) -> Call:
    """Save a draft with the same checks as `update_call` (a published call is refused);
    audit at most once per window per person and call, and not at all when nothing changed."""
    call, before, after, changed = apply_draft_changes(actor, call, shares, fields)
    if not changed:
        return call
    recent = AuditEvent.objects_unscoped.filter(
        action="calls.call_autosaved",
        object_type="calls.call",
        object_id=str(call.pk),
        actor=actor.user,
        created_at__gte=timezone.now() - AUTOSAVE_AUDIT_WINDOW,
    )
    if not recent.exists():
        audit.record(
            actor,
            "calls.call_autosaved",
            call,
            organization=call.organization,
            before=before,
            after=after,
        )
    return call
