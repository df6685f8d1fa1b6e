"""Write audit events. Called inside the service's transaction, never after it."""

from django.db import transaction

from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent


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
    return AuditEvent.objects_unscoped.create(
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
