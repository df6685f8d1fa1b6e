"""Direct contact between a citizen and a provider, one function per use case (one
transaction, an audit event, notifications on commit):

- start_thread: the citizen (or a Comune's desk for them) writes to a provider
- post_message: a message from either side, with attachments
- mark_read: the reader's side has seen the thread up to its last message
- close_thread, reopen_thread
- report_abuse (either party), handle_report (the network's administrators)

Acting for a citizen goes through core.on_behalf: the desk says how the citizen consented, and
the audit event names them (`on_behalf_of`, reason).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.files import stored_name
from benecomune.core.models import Person, Provider
from benecomune.core.notifications import EMAIL, INAPP, notify
from benecomune.core.on_behalf import on_behalf_reason, require_consent
from benecomune.core.uploads import check_upload
from benecomune.ledger.spending import memoized
from benecomune.marketplace.models import (
    AbuseReport,
    AbuseStatus,
    Message,
    MessageAttachment,
    ProviderProfile,
    Side,
    Thread,
    ThreadStatus,
)
from benecomune.marketplace.services.common import clean_line, clean_text, collect_errors
from benecomune.marketplace.services.thread_access import (
    acting_side,
    hit_rate_limit,
    is_citizen,
    is_desk_for,
)
from benecomune.marketplace.subjects import resolve_subject

TEXT_MAX = 5000
SUBJECT_MAX = 200
REASON_MAX = 1000
MAX_ATTACHMENTS = 3
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


def _text(value: str) -> str:
    text = clean_text(value)
    if not text:
        raise ValidationError({"text": _("Scriva il messaggio.")})
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {
                "text": _("Il messaggio è troppo lungo: al massimo %(n)s caratteri.")
                % {"n": TEXT_MAX}
            }
        )
    return text


def _check_files(files) -> list:
    files = [f for f in (files or []) if f]
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": _("Si possono allegare al massimo %(n)s file.") % {"n": MAX_ATTACHMENTS}}
        )
    checked = []
    for uploaded in files:
        try:
            checked.append((uploaded, check_upload(uploaded, max_bytes=MAX_ATTACHMENT_BYTES)))
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc
    return checked


def _consent(actor: Actor, assisting: bool, consent_note: str) -> str:
    return require_consent(consent_note) if assisting else ""


def _lock(thread: Thread) -> Thread:
    return (
        Thread.objects_unscoped.select_for_update()
        .select_related("provider", "person")
        .get(pk=thread.pk)
    )


def _add_message(actor, thread, side, text, checked, on_behalf) -> Message:
    message = Message.objects_unscoped.create(
        thread=thread, side=side, author=actor.user, on_behalf=on_behalf, text=text
    )
    for uploaded, facts in checked:
        attachment = MessageAttachment(
            message=message, uploaded_by=actor.user, **MessageAttachment.fields_from(facts)
        )
        attachment.file.save(stored_name(facts.original_name), uploaded, save=False)
        attachment.save()
    now = message.created_at
    thread.last_message_at = now
    # The writer has read the thread up to their own message (the desk writing for the
    # citizen leaves the citizen's own marker alone: they have not read it themselves).
    if side == Side.CITIZEN:
        if not on_behalf:
            thread.citizen_read_upto = message.pk
    else:
        thread.provider_read_upto = message.pk
        if thread.first_response_at is None:
            thread.first_response_at = now
            thread.first_response_seconds = response_seconds(thread, now)
    thread.save()
    return message


def response_seconds(thread: Thread, answered_at) -> int:
    """The one computation of a thread's response time: from its start to the provider's
    first answer."""
    return max(0, int((answered_at - thread.created_at).total_seconds()))


def _audit(actor, action, thread, *, on_behalf, consent="", after=None):
    after = dict(after or {})
    after["on_behalf_of"] = thread.person.fiscal_code if on_behalf else None
    audit.record(
        actor,
        action,
        thread,
        organization=thread.provider,
        person=thread.person,
        after=after,
        reason=on_behalf_reason(actor, thread.person, consent) if on_behalf else "",
    )


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path if base_url else path


def _notify_other_side(thread: Thread, side: str, base_url: str) -> None:
    """A message from one side tells the other: the provider by e-mail (its address), the
    citizen in the inbox and by e-mail; each with the link to the thread."""
    # The provider's name and the link only: e-mails are listed on the outbox page of staff who
    # are not the thread's parties.
    context = {"provider": thread.provider.name}
    if side == Side.CITIZEN:
        link = _absolute(base_url, reverse("marketplace:inbox_thread", args=[thread.pk]))
        notify(
            provider_address(thread.provider),
            "marketplace_thread_to_provider",
            {**context, "link": link},
            organization=thread.provider,
            channels=(EMAIL,),
        )
        return
    path = reverse("marketplace:my_thread", args=[thread.pk])
    context["link"] = _absolute(base_url, path)
    person = thread.person
    notify(
        person,
        "marketplace_thread_to_citizen",
        context,
        organization=thread.provider,
        channels=(INAPP,),
        link=path,
    )
    address = person_address(person)
    if address:
        notify(
            address,
            "marketplace_thread_to_citizen",
            context,
            organization=thread.provider,
            channels=(EMAIL,),
        )


def _profile_of_provider(provider_id: int):
    return ProviderProfile.objects_unscoped.filter(provider_id=provider_id).order_by("pk")[:1]


PROFILE_OF_PROVIDER = CompiledQuery("provider_profile", _profile_of_provider, -7_000_103)


def provider_address(provider: Provider) -> str:
    """Where a provider is told of a message: its profile's contact person, else the
    organisation's own address."""

    def load() -> str:
        profile = first(PROFILE_OF_PROVIDER, provider.pk)
        return (profile.contact_email if profile else "") or provider.email

    # A booking and its order tell the same provider twice in one transaction.
    return memoized(("marketplace.provider_address", provider.pk), load)


def person_address(person: Person) -> str:
    """Where a citizen is told by e-mail: their own address, else their login's."""
    return person.email or _person_user_email(person)


def _person_user_email(person: Person) -> str:
    from benecomune.core.models import User

    user = User.objects.filter(person=person, is_active=True).order_by("pk").first()
    return user.email if user else ""


@transaction.atomic
def start_thread(
    actor: Actor,
    provider: Provider,
    person: Person,
    *,
    subject: str,
    text: str,
    about_type: str = "",
    about_id: int | None = None,
    files=(),
    consent_note: str = "",
    base_url: str = "",
) -> Thread:
    """The citizen writes to a provider (of their network), about one of its services or
    just to it; a Comune's desk may do it for a resident, with their consent."""
    if is_citizen(actor, person.pk):
        on_behalf = False
    elif is_desk_for(actor, person):
        on_behalf = True
    else:
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
    consent = _consent(actor, on_behalf, consent_note)
    provider = Provider.objects.select_related("network").get(pk=provider.pk)
    if not provider.is_active or provider.network_id != person.residence.network_id:
        raise ValidationError(_("Questo fornitore non è tra quelli della sua rete."))
    errors = {}
    subject_line = clean_line(subject, SUBJECT_MAX)
    title = ""
    if about_type:
        try:
            title = resolve_subject(about_type, about_id, person, provider).title
        except ValidationError as exc:
            errors["about"] = exc.messages
    if not subject_line:
        subject_line = clean_line(title, SUBJECT_MAX)
    if not subject_line:
        errors["subject"] = [_("Indichi l'oggetto del messaggio.")]
    text = collect_errors(errors, _text, text)
    checked = collect_errors(errors, _check_files, files)
    if errors:
        raise ValidationError(errors)
    hit_rate_limit("thread", actor, person.pk)
    now = timezone.now()
    thread = Thread.objects_unscoped.create(
        provider=provider,
        person=person,
        about_type=about_type if about_type else "",
        about_id=about_id if about_type else None,
        subject=subject_line,
        created_by=actor.user,
        last_message_at=now,
    )
    message = _add_message(actor, thread, Side.CITIZEN, text, checked, on_behalf)
    _audit(
        actor,
        "marketplace.thread_started",
        thread,
        on_behalf=on_behalf,
        consent=consent,
        after={
            "message": message.pk,
            "about": f"{about_type}:{about_id}" if about_type else "",
            "attachments": [facts.sha256 for _f, facts in checked],
        },
    )
    _notify_other_side(thread, Side.CITIZEN, base_url)
    return thread


@transaction.atomic
def post_message(
    actor: Actor,
    thread: Thread,
    *,
    text: str,
    files=(),
    consent_note: str = "",
    base_url: str = "",
) -> Message:
    """A message from either side (the desk on the citizen's). A closed thread takes none:
    reopen it first."""
    thread = _lock(thread)
    side, on_behalf = acting_side(actor, thread)
    consent = _consent(actor, on_behalf, consent_note)
    if not thread.is_open:
        raise ValidationError(_("La conversazione è chiusa: la riapra per scrivere."))
    text, checked = _text(text), _check_files(files)
    hit_rate_limit("message", actor, thread.person_id)
    message = _add_message(actor, thread, side, text, checked, on_behalf)
    _audit(
        actor,
        "marketplace.message_posted",
        thread,
        on_behalf=on_behalf,
        consent=consent,
        after={
            "message": message.pk,
            "side": side,
            "attachments": [facts.sha256 for _f, facts in checked],
        },
    )
    _notify_other_side(thread, side, base_url)
    return message


@transaction.atomic
def mark_read(actor: Actor, thread: Thread) -> None:
    """The reader's side has seen every message so far. A marker, not a decision: no audit
    event (a page view would otherwise write one each time). The desk reading for a citizen
    does not mark it read for them."""
    side, on_behalf = acting_side(actor, thread)
    if on_behalf:
        return
    last = Message.objects_unscoped.filter(thread_id=thread.pk).order_by("-pk").first()
    if last is None:
        return
    field = "citizen_read_upto" if side == Side.CITIZEN else "provider_read_upto"
    # Only forward: a page read before a newer message never moves the marker back.
    Thread.objects_unscoped.filter(pk=thread.pk, **{f"{field}__lt": last.pk}).update(
        **{field: last.pk}
    )


def _set_status(actor, thread, status, action, consent_note):
    thread = _lock(thread)
    _side, on_behalf = acting_side(actor, thread)
    consent = _consent(actor, on_behalf, consent_note)
    if thread.status == status:
        raise ValidationError(
            _("La conversazione è già chiusa.")
            if status == ThreadStatus.CLOSED
            else _("La conversazione è già aperta.")
        )
    before = {"status": thread.status}
    thread.status = status
    closing = status == ThreadStatus.CLOSED
    thread.closed_at = timezone.now() if closing else None
    thread.closed_by = actor.user if closing else None
    thread.save(update_fields=["status", "closed_at", "closed_by"])
    audit.record(
        actor,
        action,
        thread,
        organization=thread.provider,
        person=thread.person,
        before=before,
        after={
            "status": status,
            "on_behalf_of": thread.person.fiscal_code if on_behalf else None,
        },
        reason=on_behalf_reason(actor, thread.person, consent) if on_behalf else "",
    )
    return thread


@transaction.atomic
def close_thread(actor: Actor, thread: Thread, *, consent_note: str = "") -> Thread:
    return _set_status(
        actor, thread, ThreadStatus.CLOSED, "marketplace.thread_closed", consent_note
    )


@transaction.atomic
def reopen_thread(actor: Actor, thread: Thread, *, consent_note: str = "") -> Thread:
    return _set_status(
        actor, thread, ThreadStatus.OPEN, "marketplace.thread_reopened", consent_note
    )


@transaction.atomic
def report_abuse(actor: Actor, message: Message, *, reason: str) -> AbuseReport:
    """Either party reports a message of the other side to the provider's network."""
    message = Message.objects_unscoped.select_related("thread__provider").get(pk=message.pk)
    thread = message.thread
    side, on_behalf = acting_side(actor, thread)
    if on_behalf:
        raise PermissionDenied(_("Una segnalazione la fa il cittadino stesso."))
    if message.side == side:
        raise ValidationError(_("Si possono segnalare solo i messaggi dell'altra parte."))
    if message.hidden_at is not None:
        raise ValidationError(_("Il messaggio è già stato nascosto."))
    reason = clean_text(reason)[:REASON_MAX]
    if not reason:
        raise ValidationError({"reason": _("Spieghi perché segnala il messaggio.")})
    if thread.provider.network_id is None:
        raise ValidationError(_("Il fornitore non appartiene a una rete."))
    if AbuseReport.objects_unscoped.filter(
        message=message, reporter=actor.user, status=AbuseStatus.OPEN
    ).exists():
        raise ValidationError(_("Ha già segnalato questo messaggio: la rete lo sta esaminando."))
    report = AbuseReport.objects_unscoped.create(
        message=message,
        network_id=thread.provider.network_id,
        reporter=actor.user,
        reporter_side=side,
        reason=reason,
    )
    audit.record(
        actor,
        "marketplace.abuse_reported",
        report,
        organization=thread.provider,
        person=thread.person,
        after={"thread": thread.pk, "message": message.pk, "side": side},
    )
    return report


@transaction.atomic
def handle_report(actor: Actor, report: AbuseReport, *, decision: str, note: str = "") -> None:
    """The network's administrators dismiss a report or hide the message (every open report
    on that message is then closed with it)."""
    report = (
        AbuseReport.objects_unscoped.select_for_update()
        .select_related("message__thread")
        .get(pk=report.pk)
    )
    organization = actor.organization
    if (
        organization is None
        or organization.pk != report.network_id
        or not actor.has_perm("organizations.manage", report.network_id)
    ):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
    if report.status != AbuseStatus.OPEN:
        raise ValidationError(_("La segnalazione è già stata esaminata."))
    if decision not in (AbuseStatus.DISMISSED, AbuseStatus.HIDDEN):
        raise ValidationError({"decision": _("Scelga se archiviare o nascondere il messaggio.")})
    note = clean_text(note)[:REASON_MAX]
    if decision == AbuseStatus.HIDDEN and not note:
        raise ValidationError({"note": _("Spieghi perché il messaggio viene nascosto.")})
    now = timezone.now()
    message = report.message
    reports = AbuseReport.objects_unscoped.filter(pk=report.pk)
    if decision == AbuseStatus.HIDDEN:
        Message.objects_unscoped.filter(pk=message.pk, hidden_at__isnull=True).update(
            hidden_at=now, hidden_by=actor.user
        )
        reports = AbuseReport.objects_unscoped.filter(message=message, status=AbuseStatus.OPEN)
    report_ids = list(reports.values_list("pk", flat=True))
    reports.update(status=decision, handled_by=actor.user, handled_at=now, decision_note=note)
    audit.record(
        actor,
        "marketplace.abuse_handled",
        report,
        organization=report.network_id,
        person=message.thread.person_id,
        before={"status": AbuseStatus.OPEN},
        after={"status": decision, "message": message.pk, "reports": report_ids},
        reason=note,
    )
