"""Reading the access log: the data protection contact's search, and a person's own view."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.core.audit_display import role_label
from benecomune.core.models import Role
from benecomune.identity.access_forms import KIND_LABELS
from benecomune.identity.models import AccessLogEntry


def require_privacy_contact(actor: Actor | None) -> None:
    """Only the Comune's data protection contact reads the access log of its Comune."""
    membership = getattr(actor, "membership", None)
    if membership is None or not membership.is_active or membership.role != Role.DATA_PROTECTION:
        raise PermissionDenied


def entries_for_contact(actor: Actor):
    """The Comune's log (the scoped manager: the role's own tenants only)."""
    require_privacy_contact(actor)
    return AccessLogEntry.objects.filter(organization_id__in=actor.tenant_ids).select_related(
        "user", "person", "actor_organization"
    )


def filter_entries(entries, data: dict):
    if person := (data.get("person") or "").strip():
        entries = entries.filter(
            Q(person__fiscal_code__iexact=person.replace(" ", ""))
            | Q(person__last_name__icontains=person)
        )
    if viewer := (data.get("viewer") or "").strip():
        entries = entries.filter(
            Q(user__email__icontains=viewer) | Q(user__full_name__icontains=viewer)
        )
    if data.get("kind"):
        entries = entries.filter(kind=data["kind"])
    if data.get("since"):
        entries = entries.filter(created_at__date__gte=data["since"])
    if data.get("until"):
        entries = entries.filter(created_at__date__lte=data["until"])
    return entries


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


CSV_HEADER = [
    "data",
    "chi",
    "ruolo",
    "per conto di",
    "che cosa",
    "oggetto",
    "persona",
    "motivo",
    "IP",
]


def csv_rows(entries):
    for entry in entries.iterator(chunk_size=2000):
        yield [
            timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.user.email,
            role_label(entry.role),
            entry.actor_organization.name if entry.actor_organization else "",
            kind_label(entry.kind),
            f"{entry.object_type} {entry.object_id}",
            entry.person.fiscal_code,
            entry.reason,
            entry.ip_address or "",
        ]


def entries_for_person(person_id: int):
    """Who in the administration viewed this person's data (their own page): no scope, the
    person is the filter."""
    return AccessLogEntry.objects_unscoped.filter(person_id=person_id).select_related(
        "user", "actor_organization"
    )
