"""Telling people and organisations: one API for every app.

- `notify(recipient, key, context, organization=...)`: the message of template
  `notifications/<key>.txt` (first line the subject, then a blank line, then the body), in the
  inbox when the recipient is a person and by e-mail when they have an address.
- `notify_person(person, subject=..., body=...)`: the same with a text already written.
- `send_email(address, subject, body)`: an e-mail only.

An e-mail is a row of the outbox (`OutboxMessage`), written in the caller's transaction, and
sent by the `core.deliver_message` task once that transaction commits (inline when there is
no broker). A failed send is retried with backoff and its error kept on the row; what is still
pending later is sent again by `core.resend_messages` (beat): nothing is silently dropped.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from benecomune.core.models import Notification, Person
from benecomune.core.models.notifications import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Bene Comune] "
MAX_ATTEMPTS = 5
EMAIL, INAPP = "email", "inapp"
# A pending message younger than this is still with its own task (queued on commit, or
# waiting to retry); an older one is taken up by `resend_messages` and shown to staff.
STALE_AFTER = datetime.timedelta(minutes=10)


# Apps that attach files to some of their e-mails (a booking's .ics): each function takes an
# OutboxMessage and returns [(filename, content, mimetype)], read when the message is sent.
_ATTACHERS: list = []


def register_attacher(attacher) -> None:
    if attacher not in _ATTACHERS:
        _ATTACHERS.append(attacher)


def attachments_of(message: OutboxMessage) -> list[tuple]:
    return [item for attacher in _ATTACHERS for item in attacher(message)]


def send_email(
    address: str,
    subject: str,
    body: str,
    *,
    organization=None,
    person: Person | None = None,
    key: str = "",
    prefix: bool = True,
    deliver_now: bool = False,
) -> OutboxMessage | None:
    """Queue an e-mail: the row now, the send after commit. None without an address.
    `deliver_now`: for callers that already run in a background task (beat's drains), the
    send happens in this process after commit instead of through another task; a failure
    stays on the row for `resend_messages`, as always."""
    if not address:
        return None
    message = OutboxMessage.objects_unscoped.create(  # written by the service, in its scope
        organization=organization,  # a Municipality or Provider row is an Organization too
        person=person,
        template_key=key,
        to=address,
        subject=(_prefixed(subject) if prefix else subject)[:300],
        body=body,
    )
    transaction.on_commit(lambda: deliver(message.pk) if deliver_now else enqueue(message.pk))
    return message


def _prefixed(subject: str) -> str:
    # A template may carry the prefix in its (translated) subject already.
    return subject if subject.startswith(SUBJECT_PREFIX) else SUBJECT_PREFIX + subject


def notify_person(
    person: Person, *, subject: str, body: str, link: str = "", deliver_now: bool = False
) -> Notification:
    """An in-app message now, its e-mail copy after commit (see `send_email`)."""
    note = Notification.objects.create(person=person, subject=subject[:200], body=body, link=link)
    send_email(person.email, subject, body, person=person, deliver_now=deliver_now)
    return note


def render(key: str, context: dict) -> tuple[str, str]:
    """(subject, body) of the message template `notifications/<key>.txt`."""
    text = render_to_string(f"notifications/{key}.txt", context).strip()
    subject, _blank, body = text.partition("\n")
    return " ".join(subject.split()), body.strip()


def notify(
    recipient,
    key: str,
    context: dict,
    *,
    organization,
    channels=(EMAIL, INAPP),
    link: str = "",
) -> Notification | OutboxMessage | None:
    """Tell `recipient` (a Person, an organisation, a User or an address) the message of
    template `key`: in the inbox (persons only) and/or by e-mail. Returns the inbox message,
    else the e-mail, else None (nowhere to send it)."""
    subject, body = render(key, context)
    person = recipient if isinstance(recipient, Person) else None
    note = None
    if person is not None and INAPP in channels:
        note = Notification.objects.create(
            person=person, subject=subject[:200], body=body, link=link
        )
    mail = None
    if EMAIL in channels:
        address = recipient if isinstance(recipient, str) else getattr(recipient, "email", "")
        mail = send_email(address, subject, body, organization=organization, person=person, key=key)
    return note or mail


def enqueue(message_id: int) -> None:
    """Hand one message to the `core.deliver_message` task (call it on commit)."""
    from benecomune.core.tasks import deliver_message

    try:
        deliver_message.delay(message_id)
    except Exception:  # the broker is down: the row stays pending for resend_messages
        logger.exception("Outbox message %s not queued", message_id)


def deliver(message_id: int) -> OutboxMessage | None:
    """Send one pending message; on failure count the attempt and keep the error (the caller
    decides whether to retry). Never raises for a mail error."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects_unscoped.select_for_update()  # by id, from a task: no scope
            .filter(pk=message_id, status=OutboxStatus.PENDING)
            .first()
        )
        if message is None:
            return None  # sent already (a duplicate delivery) or given up
        message.attempts += 1
        try:
            if attachments := attachments_of(message):
                email = EmailMessage(
                    message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to]
                )
                for attachment in attachments:
                    email.attach(*attachment)
                email.send(fail_silently=False)
            else:
                send_mail(
                    subject=message.subject,
                    message=message.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[message.to],
                    fail_silently=False,
                )
        except Exception as exc:  # any transport error: recorded, retried
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                logger.error("Outbox message %s failed for good: %s", message.pk, exc)
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        message.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return message


def pending_ids(limit: int = 500) -> list[int]:
    """Messages still to send (queued while the broker was down, or whose retries ran out of
    the task's countdown), oldest first."""
    since = timezone.now() - STALE_AFTER
    return list(
        OutboxMessage.objects_unscoped.filter(status=OutboxStatus.PENDING, created_at__lt=since)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
