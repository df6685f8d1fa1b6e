"""Write audit events. Called inside the service's transaction, never after it."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent, Organization, Person


def _object_fields(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    meta = obj._meta
    return f"{meta.app_label}.{meta.model_name}", str(obj.pk), str(obj)[:200]


def record(
    actor: Actor,
    action: str,
    obj=None,
    *,
    organization=None,
    person=None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event. Must run inside the transaction of the change it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change")
    object_type, object_id, object_repr = _object_fields(obj)
    if organization is None and actor.organization is not None:
        organization = actor.organization
    if isinstance(organization, int):
        organization = Organization(pk=organization)
    if isinstance(person, int):
        person = Person(pk=person)
    event = AuditEvent(
        actor=actor.user,
        actor_role=actor.label if actor.system else actor.role,
        organization=organization,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        person=person,
        before=before,
        after=after,
        reason=reason,
        ip_address=actor.ip_address,
    )
    pending = _BATCH.get()
    if pending is not None:
        pending.append(event)
    else:
        event.save(force_insert=True)
    return event


# The events of a `batched` block not yet written (None: outside one, each is written at once).
_BATCH: ContextVar[list | None] = ContextVar("audit_batch", default=None)


@contextmanager
def batched():
    """Inside a service's transaction: the events recorded in the block are written together,
    in their order, by one multi-row INSERT when the block ends without an error (still inside
    the transaction); on an error none is written and the error goes on, so the transaction
    must roll back. Only around code that never catches an error to go on in the same
    transaction (a savepoint rolled back under the block would keep its events). Nested
    blocks write with the outermost."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.batched must run inside the transaction of the change")
    if _BATCH.get() is not None:
        yield
        return
    events: list = []
    token = _BATCH.set(events)
    try:
        yield
    finally:
        _BATCH.reset(token)
    if events:
        AuditEvent.objects_unscoped.bulk_create(events)


def record_many(actor: Actor, action: str, items, *, reason: str = "") -> None:
    """Append one event per item with multi-row inserts, for batch work (awards of a whole
    ranking). `items` yields (obj, organization_id, person_id, after, label): `label` stands
    for str(obj) on the audit page (given by the caller, so that no query runs per item)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_many must run inside the transaction of the change")

    from benecomune.core.bulk import db_value

    items = list(items)
    if not items:
        return
    object_type = _object_fields(items[0][0])[0]
    insert_events(
        actor,
        [
            (
                organization_id,
                action,
                object_type,
                str(obj.pk),
                label[:200],
                person_id,
                None,
                db_value(after),
                reason,
            )
            for obj, organization_id, person_id, after, label in items
        ],
    )


def insert_events(actor: Actor, rows: list[tuple]) -> None:
    """Audit events as multi-row INSERTs (record_many, bulk lifecycle moves). `rows` hold
    (organization_id, action, object_type, object_id, object_repr, person_id, before, after,
    reason), JSON already as db_value; the actor's columns and the time are added here."""
    from django.utils import timezone

    from benecomune.core.bulk import db_value, insert_rows

    now = db_value(timezone.now())
    user_id = actor.user.pk if actor.user else None
    role = actor.label if actor.system else actor.role
    insert_rows(
        AuditEvent,
        [
            "created_at",
            "actor",
            "actor_role",
            "organization",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "person",
            "before",
            "after",
            "reason",
            "ip_address",
        ],
        [(now, user_id, role, *row, actor.ip_address) for row in rows],
    )


def snapshot(obj, fields: list[str]) -> dict:
    """A JSON-safe picture of some fields, for the before/after of an audit event."""
    data = {}
    for name in fields:
        value = getattr(obj, name)
        if hasattr(value, "pk"):
            value = value.pk
        elif value is not None and not isinstance(value, (str, int, bool, float)):
            value = str(value)
        data[name] = value
    return data


# Plain-Italian names of actions for the audit page; apps add theirs with register_actions().
ACTION_LABELS: dict[str, str] = {}


def register_actions(labels: dict) -> None:
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
