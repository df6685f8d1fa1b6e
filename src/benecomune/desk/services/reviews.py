"""Review reminders: an open case whose next review date has come is reminded to its
operator once per date (by e-mail, with the protocol only: no personal data in the message)."""

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone

from benecomune.core.actors import Actor
from benecomune.core.notifications import EMAIL, notify
from benecomune.desk.models import Case, CaseStatus

BATCH = 500


def due_reviews(today=None):
    today = today or timezone.localdate()
    return Case.objects_unscoped.filter(next_review_on__lte=today).exclude(status=CaseStatus.CLOSED)


def remind_due_reviews(actor: Actor, *, base_url: str = "", today=None) -> int:
    """Remind every operator of their cases due for review; idempotent (one reminder per case
    and review date). Returns how many reminders were queued."""
    today = today or timezone.localdate()
    sent = 0
    pending = (
        due_reviews(today)
        .exclude(reminded_for=F("next_review_on"))
        .values_list("pk", flat=True)[:BATCH]
    )
    for pk in list(pending):
        with transaction.atomic():
            case = (
                Case.objects_unscoped.select_for_update()
                .select_related("assigned_to", "point")
                .filter(pk=pk)
                .first()
            )
            if case is None or case.reminded_for == case.next_review_on:
                continue
            notify(
                case.assigned_to,
                "desk_review_due",
                {
                    "protocol": case.protocol,
                    "point": case.point.name,
                    "day": formats.date_format(case.next_review_on, "j F Y"),
                    "link": base_url.rstrip("/") + reverse("desk:case", args=[case.pk]),
                },
                organization=case.organization,
                channels=[EMAIL],
            )
            case.reminded_for = case.next_review_on
            case.save(update_fields=["reminded_for"])
            sent += 1
    return sent
