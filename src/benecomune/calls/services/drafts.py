"""The draft of an application: fields saved as the applicant goes, members' disability flags,
and the documents attached (checked by content, size-limited, SHA-256 kept)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.exceptions import CallError
from benecomune.calls.models import (
    Application,
    ApplicationDocument,
    ApplicationMember,
    ApplicationStatus,
    Call,
    ClarificationRequest,
    ClarificationStatus,
)
from benecomune.calls.services.application_access import (
    authorize,
    locked_application,
    on_behalf_reason,
)
from benecomune.calls.services.paper import takes_applications
from benecomune.calls.uploads import check_upload
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.uploads import reject_duplicate

DRAFT_FIELDS = [
    "isee_value",
    "isee_protocol",
    "isee_date",
    "declarations",
    "contact_phone",
    "contact_email",
]
MAX_DOCUMENTS = 30
OTHER_DOCUMENT = "other"
# DSU protocol as INPS prints it, e.g. INPS-ISEE-2026-00000001A-00 (tolerant of the serial's
# length; spaces, dots or underscores instead of dashes and lower case are normalised first).
DSU_PROTOCOL = re.compile(r"^INPS-ISEE-(\d{4})-([0-9A-Z]{6,14})-(\d{2})$")
_PHONE = re.compile(r"^\+?[0-9 ./-]{6,20}$")


def require_editable(application: Application) -> None:
    """A draft while the call takes applications, or an application awaiting a clarification."""
    if not application.is_editable_by_citizen:
        raise CallError(_("La domanda è già stata inviata e non si può più modificare."))
    if application.status == ApplicationStatus.DRAFT and not takes_applications(
        application.call, application
    ):
        raise CallError(
            _("Il bando non accetta più domande: la bozza non si può più modificare né inviare.")
        )


def normalize_dsu_protocol(value: str) -> str:
    text = re.sub(r"[\s_./]+", "-", (value or "").strip().upper())
    return re.sub(r"-{2,}", "-", text).strip("-")


def clean_draft(application: Application, fields: dict, today: datetime.date) -> dict:
    """Validate the draft fields; return the cleaned values or raise a dict of errors."""
    errors: dict[str, list[str]] = {}
    cleaned = {}
    parsed = engine.parse_rules(application.call.rules)
    if "isee_value" in fields:
        value = fields["isee_value"]
        if value is not None and (type(value) is not int or value < 0):
            errors["isee_value"] = [_("Il valore ISEE deve essere un importo non negativo.")]
        elif value is not None and value > 100_000_000:
            errors["isee_value"] = [_("Il valore ISEE sembra troppo alto: lo controlli.")]
        else:
            cleaned["isee_value"] = value
    if "isee_protocol" in fields:
        protocol = normalize_dsu_protocol(fields["isee_protocol"] or "")
        match = DSU_PROTOCOL.match(protocol)
        if protocol and (match is None or not 2015 <= int(match.group(1)) <= today.year):
            errors["isee_protocol"] = [
                _(
                    "Il protocollo DSU non sembra corretto: è scritto sull'attestazione ISEE, "
                    "nella forma INPS-ISEE-%(year)s-00000000A-00."
                )
                % {"year": today.year}
            ]
        else:
            cleaned["isee_protocol"] = protocol
    if "isee_date" in fields:
        day = fields["isee_date"]
        if day is not None and not isinstance(day, datetime.date):
            errors["isee_date"] = [_("Data non valida.")]
        elif day is not None and day > today:
            errors["isee_date"] = [_("La data di rilascio dell'ISEE non può essere nel futuro.")]
        elif day is not None and day.year < 2015:
            errors["isee_date"] = [_("Data non valida.")]
        else:
            cleaned["isee_date"] = day
    if "declarations" in fields:
        known = {d.code for d in parsed.declarations}
        given = fields["declarations"] or {}
        if not isinstance(given, dict) or set(given) - known:
            errors["declarations"] = [_("Dichiarazioni non previste dal bando.")]
        else:
            cleaned["declarations"] = {code: bool(given.get(code)) for code in sorted(known)}
    if "contact_email" in fields:
        email = (fields["contact_email"] or "").strip().lower()
        try:
            if email:
                validate_email(email)
        except ValidationError:
            errors["contact_email"] = [_("Indirizzo e-mail non valido.")]
        else:
            cleaned["contact_email"] = email
    if "contact_phone" in fields:
        phone = (fields["contact_phone"] or "").strip()
        if phone and not _PHONE.match(phone):
            errors["contact_phone"] = [_("Numero di telefono non valido: usi solo cifre.")]
        else:
            cleaned["contact_phone"] = phone
    if errors:
        raise ValidationError(errors)
    return cleaned


def draft_warnings(application: Application, today: datetime.date | None = None) -> list[str]:
    """Things that are not errors but that the applicant should look at before submitting."""
    today = today or timezone.localdate()
    warnings = []
    if application.isee_date and not engine.isee_valid_on(application.isee_date, today):
        warnings.append(
            _(
                "L'ISEE indicato vale fino al 31 dicembre %(year)s: per questo bando serve "
                "un'attestazione rilasciata nell'anno in corso."
            )
            % {"year": application.isee_date.year}
        )
    match = DSU_PROTOCOL.match(application.isee_protocol or "")
    if match and application.isee_date and int(match.group(1)) != application.isee_date.year:
        warnings.append(
            _("L'anno scritto nel protocollo DSU non corrisponde alla data di rilascio dell'ISEE.")
        )
    return warnings


def _member_flags(application: Application, flags: dict) -> list[ApplicationMember]:
    members = {m.pk: m for m in application.members.filter(active=True)}
    if not isinstance(flags, dict) or set(flags) - set(members):
        raise ValidationError({"disability": [_("Componente non presente nella domanda.")]})
    changed = []
    for pk, value in flags.items():
        member = members[pk]
        if member.disability != bool(value):
            member.disability = bool(value)
            changed.append(member)
    return changed


@transaction.atomic
def save_draft(actor: Actor, application: Application, *, disability=None, **fields):
    """Save draft fields (ISEE in cents, DSU protocol, ISEE date, declarations, contacts) and
    members' disability flags ({member id: bool}). All or nothing: an error changes nothing."""
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"unknown draft fields: {sorted(unknown)}")
    application = locked_application(application)
    authorize(actor, application)
    require_editable(application)
    cleaned = clean_draft(application, fields, timezone.localdate())
    changed_members = _member_flags(application, disability) if disability is not None else []
    before = audit.snapshot(application, list(cleaned))
    for name, value in cleaned.items():
        setattr(application, name, value)
    after = audit.snapshot(application, list(cleaned))
    changes = {k: v for k, v in after.items() if before.get(k) != v}
    if changes or changed_members:
        application.save(update_fields=[*cleaned, "updated_at"])
        ApplicationMember.objects.bulk_update(changed_members, ["disability"])
        if changed_members:
            changes["disability"] = {m.fiscal_code: m.disability for m in changed_members}
        audit.record(
            actor,
            "calls.application_draft_saved",
            application,
            organization=application.organization,
            person=application.applicant,
            before={k: before.get(k) for k in changes if k in before},
            after=changes,
            reason=on_behalf_reason(actor, application),
        )
    return application


# --- documents -------------------------------------------------------------------------------


def document_choices(call: Call) -> list[tuple[str, str]]:
    parsed = engine.parse_rules(call.rules)
    return [(d.code, d.label) for d in parsed.documents] + [(OTHER_DOCUMENT, _("Altro documento"))]


def open_clarification(application: Application) -> ClarificationRequest | None:
    return (
        application.clarifications.filter(status=ClarificationStatus.OPEN)
        .order_by("-requested_at")
        .first()
    )


def store_document(actor, application, code, uploaded, checked) -> ApplicationDocument:
    document = ApplicationDocument(
        application=application,
        code=code,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor.user,
    )
    # The stored name is random; the original name is kept in the row (core/files.py).
    document.file.save(stored_name(f"d.{checked.extension}"), File(uploaded), save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def check_document(application: Application, code: str, uploaded):
    if code not in {c for c, _label in document_choices(application.call)}:
        raise ValidationError({"code": [_("Tipo di documento non previsto dal bando.")]})
    try:
        checked = check_upload(uploaded)
    except CallError as exc:
        raise ValidationError({"file": exc.messages}) from None
    documents = application.documents.all()
    if documents.count() >= MAX_DOCUMENTS:
        message = _("Sono già stati caricati %(n)s documenti: il massimo.")
        raise ValidationError({"file": [message % {"n": MAX_DOCUMENTS}]})
    reject_duplicate(documents, checked)  # the same file twice in one application
    return checked


@transaction.atomic
def add_document(actor: Actor, application: Application, code: str, uploaded_file):
    """Attach a PDF/JPEG/PNG (checked by content, size-limited, SHA-256 kept)."""
    application = locked_application(application)
    authorize(actor, application)
    require_editable(application)
    checked = check_document(application, code, uploaded_file)
    document = store_document(actor, application, code, uploaded_file, checked)
    try:
        record_document(actor, application, document)
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def record_document(actor: Actor, application: Application, document: ApplicationDocument):
    audit.record(
        actor,
        "calls.document_added",
        application,
        organization=application.organization,
        person=application.applicant,
        after={"code": document.code, "name": document.original_name, "sha256": document.sha256},
        reason=on_behalf_reason(actor, application),
    )


@transaction.atomic
def remove_document(actor: Actor, application: Application, document: ApplicationDocument):
    application = locked_application(application)
    authorize(actor, application)
    require_editable(application)
    if document.application_id != application.pk:
        raise CallError(_("Questo documento non si può più togliere."))
    request = open_clarification(application)
    if application.status == ApplicationStatus.CLARIFICATION and (
        request is None or document.uploaded_at < request.requested_at
    ):
        raise CallError(
            _("I documenti già esaminati dal Comune restano nella domanda: ne aggiunga uno nuovo.")
        )
    name = document.file.name
    storage = document.file.storage
    snapshot = {"code": document.code, "name": document.original_name, "sha256": document.sha256}
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
    audit.record(
        actor,
        "calls.document_removed",
        application,
        organization=application.organization,
        person=application.applicant,
        before=snapshot,
        reason=on_behalf_reason(actor, application),
    )
