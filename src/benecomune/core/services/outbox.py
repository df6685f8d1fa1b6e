"""Staff look after the outbox of e-mails (core/notifications.py): see what did not leave,
send it again, or stop a message that must not go.

Who sees which message: a Comune's administrators its Comune's, a network's platform admin
the network's, and only a platform admin the messages with no organisation (system mail).
Every change is one transaction with its audit event; the send happens after the commit.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Role
from benecomune.core.models.notifications import OutboxMessage, OutboxStatus
from benecomune.core.notifications import STALE_AFTER, enqueue

# The organisation's administrators (a Comune's, the platform's): the ones who can act on
# what a failed e-mail means. A dedicated permission would need core/actors.py.
PERMISSION = "members.manage"
# The default view: what needs a person, i.e. failed, or pending longer than the worker's own
# retries take to pick it up.
TO_CHECK = "to_check"
ALL = "all"
# "Send all again" handles at most this many per click, so a request never sends for minutes
# when there is no broker (the rest stays failed, and the page says so).
MAX_BULK = 200

RESENDABLE = (OutboxStatus.FAILED, OutboxStatus.PENDING, OutboxStatus.CANCELLED)
CANCELLABLE = (OutboxStatus.FAILED, OutboxStatus.PENDING)


@dataclass(frozen=True)
class OutboxFilter:
    status: str = TO_CHECK
    recipient: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


def visible_messages(actor: Actor) -> QuerySet:
    """The messages `actor` may see: their tenants' ones, plus system mail for a platform
    admin. Explicit, so the same answer holds on a page, in a service and on the home."""
    if not actor.has_perm(PERMISSION):
        return OutboxMessage.objects_unscoped.none()
    mine = Q(organization_id__in=actor.tenant_ids)
    if actor.role == Role.PLATFORM_ADMIN:
        mine |= Q(organization__isnull=True)
    return OutboxMessage.objects_unscoped.filter(mine)


def filter_messages(queryset: QuerySet, flt: OutboxFilter, now=None) -> QuerySet:
    if flt.status == TO_CHECK:
        stale = (now or timezone.now()) - STALE_AFTER
        queryset = queryset.filter(
            Q(status=OutboxStatus.FAILED) | Q(status=OutboxStatus.PENDING, created_at__lt=stale)
        )
    elif flt.status in OutboxStatus.values:
        queryset = queryset.filter(status=flt.status)
    if flt.recipient.strip():
        queryset = queryset.filter(to__icontains=flt.recipient.strip())
    if flt.since:
        queryset = queryset.filter(created_at__date__gte=flt.since)
    if flt.until:
        queryset = queryset.filter(created_at__date__lte=flt.until)
    return queryset


def failed_count(actor: Actor) -> int:
    return visible_messages(actor).filter(status=OutboxStatus.FAILED).count()


def _locked(actor: Actor, message_id) -> OutboxMessage:
    """The message, locked against the worker's send; an unknown id and another tenant's
    message get the same answer, which tells nothing."""
    actor.require(PERMISSION)
    message = (
        visible_messages(actor).select_for_update().filter(pk=_as_id(message_id)).first()
        if _as_id(message_id)
        else None
    )
    if message is None:
        raise ValidationError(_("Questa e-mail non esiste o non è tra quelle che può gestire."))
    actor.require(PERMISSION, message.organization_id)
    return message


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _state(message: OutboxMessage) -> dict:
    return {"status": message.status, "attempts": message.attempts}


def _move(actor: Actor, message: OutboxMessage, action: str, status: str, reason: str = ""):
    """One locked message to `status`, with its audit event. Back to pending, the attempts
    start again: with the old count a new failure would be final at once."""
    before = _state(message)
    message.status = status
    if status == OutboxStatus.PENDING:
        message.attempts = 0
    message.save(update_fields=["status", "attempts"])
    audit.record(
        actor,
        action,
        message,
        organization=message.organization_id,
        person=message.person_id,
        before=before,
        after=_state(message),
        reason=" ".join((reason or "").split())[:500],
    )


@transaction.atomic
def resend(actor: Actor, message_id) -> OutboxMessage:
    """Send one message again: back to pending with its attempts from zero, handed to the
    worker after commit. Refused for a message already sent."""
    message = _locked(actor, message_id)
    if message.status not in RESENDABLE:
        raise ValidationError(_("Questa e-mail è già stata inviata: non viene rispedita."))
    _move(actor, message, "outbox.resent", OutboxStatus.PENDING)
    transaction.on_commit(lambda: enqueue(message.pk))
    return message


@transaction.atomic
def resend_failed(actor: Actor, flt: OutboxFilter) -> tuple[int, int]:
    """Send again every failed message the filter shows (at most MAX_BULK): (sent again,
    still failed beyond the limit)."""
    actor.require(PERMISSION)
    failed = filter_messages(visible_messages(actor), flt).filter(status=OutboxStatus.FAILED)
    ids = list(failed.order_by("created_at").values_list("pk", flat=True)[: MAX_BULK + 1])
    left = max(len(ids) - MAX_BULK, 0)
    messages = list(
        OutboxMessage.objects_unscoped.select_for_update()  # the ids came from visible_messages
        .filter(pk__in=ids[:MAX_BULK], status=OutboxStatus.FAILED)
        .order_by("created_at")
    )
    if not messages:
        raise ValidationError(_("Nessuna e-mail non inviata tra quelle mostrate dai filtri."))
    for message in messages:
        _move(actor, message, "outbox.resent", OutboxStatus.PENDING)
    ids = [message.pk for message in messages]
    transaction.on_commit(lambda: [enqueue(pk) for pk in ids])
    return len(ids), left


@transaction.atomic
def cancel(actor: Actor, message_id, reason: str = "") -> OutboxMessage:
    """Stop a message that must not go (wrong address, sent by mistake): it is never sent,
    by the worker or by the beat."""
    message = _locked(actor, message_id)
    if message.status == OutboxStatus.SENT:
        raise ValidationError(_("Questa e-mail è già stata inviata: non si può più annullare."))
    if message.status not in CANCELLABLE:
        raise ValidationError(_("L'invio di questa e-mail è già stato annullato."))
    _move(actor, message, "outbox.cancelled", OutboxStatus.CANCELLED, reason)
    return message
