"""Read-only answers about threads for the pages: unread counts and the provider's usual
response time."""

import datetime
import math
import statistics

from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.marketplace.models import Message, MessageAttachment, Side, Thread

# The indicator reads the threads of the last RESPONSE_DAYS days, and shows nothing until
# RESPONSE_MIN of them were answered (one quick answer says little).
RESPONSE_DAYS = 90
RESPONSE_MIN = 3


def unread_messages(threads, side: str):
    """The other side's visible messages past `side`'s marker, in `threads` (a queryset)."""
    other = Side.PROVIDER if side == Side.CITIZEN else Side.CITIZEN
    marker = "thread__citizen_read_upto" if side == Side.CITIZEN else "thread__provider_read_upto"
    return Message.objects_unscoped.filter(
        thread__in=threads, side=other, hidden_at=None, pk__gt=F(marker)
    )


def unread_threads_count(threads, side: str) -> int:
    return unread_messages(threads, side).values("thread_id").distinct().count()


def usual_response_seconds(provider_id: int, now=None) -> int | None:
    """The median of the provider's first-response times over recent threads, or None."""
    since = (now or timezone.now()) - datetime.timedelta(days=RESPONSE_DAYS)
    values = list(
        Thread.objects_unscoped.filter(
            Q(provider_id=provider_id, created_at__gte=since)
            & Q(first_response_seconds__isnull=False)
        ).values_list("first_response_seconds", flat=True)
    )
    if len(values) < RESPONSE_MIN:
        return None
    return int(statistics.median(values))


def response_time_text(seconds: int | None) -> str:
    """ "Risponde di solito entro 3 ore", or "" without enough answers."""
    if seconds is None:
        return ""
    hours = max(1, math.ceil(seconds / 3600))
    if hours >= 48:
        days = math.ceil(hours / 24)
        return ngettext(
            "Risponde di solito entro %(n)s giorno", "Risponde di solito entro %(n)s giorni", days
        ) % {"n": days}
    if hours == 1:
        return _("Risponde di solito entro un'ora")
    return _("Risponde di solito entro %(n)s ore") % {"n": hours}


def message_rows(thread, reader_side: str, read_upto: int = 0, link=None) -> list[dict]:
    """The messages of a thread the caller has already found through its own scope, for a
    page: whose side, new to the reader, hidden (no text nor files), attachments with
    `link(attachment)` (None: listed without a link)."""
    rows = []
    messages = (
        Message.objects_unscoped.filter(thread_id=thread.pk)
        .select_related("author")
        .prefetch_related(
            Prefetch("attachments", queryset=MessageAttachment.objects_unscoped.order_by("pk"))
        )
    )
    for message in messages:
        hidden = message.hidden_at is not None
        attachments = [] if hidden else list(message.attachments.all())
        rows.append(
            {
                "message": message,
                "mine": message.side == reader_side,
                "new": message.side != reader_side and message.pk > read_upto,
                "hidden": hidden,
                "attachments": [(a, link(a) if link else "") for a in attachments],
            }
        )
    return rows
