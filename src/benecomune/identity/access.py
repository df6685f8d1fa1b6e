"""Write the access log: one helper for every staff view that shows a person's data.

The worklist rule (docs/privacy.md): staff reach applications, claims, cards and desk
conversations only through their own Comune's scoped lists, so opening one of those is their
work and needs no reason. A person's whole registry file is different: it is opened from a
search. When the person has no open case with the viewer's organisations (an application
being instructed or a claim being reviewed) and the viewer did nothing for them today, the
viewer is asked a reason once per person per day; the reason is kept on the log entry.
"""

import datetime

from django.apps import apps
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.core.middleware import client_ip
from benecomune.core.models import AuditEvent
from benecomune.identity.access_points import Subject
from benecomune.identity.models import AccessLogEntry

REASON_MAX = 300
# Application statuses that put the applicant in the Comune's worklist.
OPEN_APPLICATION_STATUSES = ("submitted", "clarification", "instructed")
OPEN_CLAIM_STATUSES = ("submitted", "clarification")


def record_access(request, kind: str, subject: Subject, *, view_name: str, reason: str = ""):
    """Append one entry: who (user, role, organisation), whose data, what, when, why, from
    where. Autocommitted on its own: a page view is not part of any change."""
    actor: Actor = request.actor
    return AccessLogEntry.objects_unscoped.create(
        user=actor.user,
        role=actor.role,
        actor_organization=actor.organization,
        organization_id=subject.organization_id,
        person_id=subject.person_id,
        kind=kind,
        object_type=subject.object_type,
        object_id=subject.object_id,
        view_name=view_name,
        reason=" ".join(reason.split())[:REASON_MAX],
        ip_address=client_ip(request),
    )


def _start_of_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def reason_given_today(actor: Actor, person_id: int) -> str:
    """The reason this user gave today for this person's file, or ""."""
    entry = (
        AccessLogEntry.objects_unscoped.filter(
            user=actor.user, person_id=person_id, created_at__gte=_start_of_today()
        )
        .exclude(reason="")
        .order_by("-created_at")
        .values_list("reason", flat=True)
        .first()
    )
    return entry or ""


def in_worklist(actor: Actor, person_id: int) -> bool:
    """The person has an open case with one of the viewer's organisations, or the viewer
    worked on them today (an audit event of theirs about the person: they registered them,
    changed their data, acted for them at the desk)."""
    if AuditEvent.objects_unscoped.filter(
        actor=actor.user, person_id=person_id, created_at__gte=_start_of_today()
    ).exists():
        return True
    tenants = actor.tenant_ids
    application = apps.get_model("calls.Application")
    if application.objects_unscoped.filter(
        organization_id__in=tenants, applicant_id=person_id, status__in=OPEN_APPLICATION_STATUSES
    ).exists():
        return True
    claim = apps.get_model("payouts.ExpenseClaim")
    return claim.objects_unscoped.filter(
        organization_id__in=tenants, person_id=person_id, status__in=OPEN_CLAIM_STATUSES
    ).exists()
