"""Working on a case: its state (through the lifecycle table), review date, transfer between
operators, notes, attachments and consents. Each function checks that the operator works at
the case's Point; a refusal changes nothing and is audited (services.refusals)."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.models import Membership
from benecomune.core.uploads import check_upload, reject_duplicate
from benecomune.desk.access import coordinated_points, own_cases
from benecomune.desk.informativa import INFORMATIVA_VERSION
from benecomune.desk.lifecycles import CASE
from benecomune.desk.models import (
    Case,
    CaseAttachment,
    CaseConsent,
    CaseNote,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    Outcome,
    PointOperator,
)
from benecomune.desk.services.intake import record_consent
from benecomune.desk.services.refusals import audited_refusal

NOTE_MAX = 5000
REASON_MAX = 500
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def locked(actor: Actor, case: Case | int) -> Case:
    """The case, locked, if the actor works at its Point; PermissionDenied otherwise."""
    actor.require("desk.cases")
    pk = getattr(case, "pk", case)
    found = own_cases(actor).select_for_update().filter(pk=pk).first()
    if found is None:
        raise PermissionDenied(
            _("Questo caso appartiene a un altro Punto Welfare: non può consultarlo né cambiarlo.")
        )
    return found


def _reason(text: str, *, required: bool = False, field: str = "reason") -> str:
    text = " ".join((text or "").split())
    if required and not text:
        raise ValidationError({field: _("Indichi il motivo.")})
    if len(text) > REASON_MAX:
        raise ValidationError({field: _("Al massimo %(n)s caratteri.") % {"n": REASON_MAX}})
    return text


def _move(actor, case, target, *, action=None, reason="", extra_fields=(), before=None, after=None):
    # `action` tells apart two moves to the same status (taken up, resumed, reopened).
    return CASE.apply(
        actor,
        case,
        target,
        action=action,
        reason=reason,
        extra_fields=[*extra_fields, "updated_at"],
        before=before,
        after=after,
        person=case.person_id,
    )


@audited_refusal("desk.case_refused")
def start(actor: Actor, case: Case) -> Case:
    case = locked(actor, case)
    _move(actor, case, CaseStatus.IN_PROGRESS, action="desk.case_started")
    return case


@audited_refusal("desk.case_refused")
def suspend(actor: Actor, case: Case, *, reason: str) -> Case:
    case = locked(actor, case)
    _move(actor, case, CaseStatus.ON_HOLD, reason=_reason(reason, required=True))
    return case


@audited_refusal("desk.case_refused")
def resume(actor: Actor, case: Case) -> Case:
    case = locked(actor, case)
    _move(actor, case, CaseStatus.IN_PROGRESS, action="desk.case_resumed")
    return case


@audited_refusal("desk.case_refused")
def close(actor: Actor, case: Case, *, outcome: str, note: str = "") -> Case:
    case = locked(actor, case)
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Scelga l'esito del caso.")})
    case.outcome, case.outcome_note = outcome, (note or "").strip()[:NOTE_MAX]
    case.closed_at = timezone.now()
    _move(
        actor,
        case,
        CaseStatus.CLOSED,
        extra_fields=["outcome", "outcome_note", "closed_at"],
        after={"outcome": outcome},
    )
    return case


@audited_refusal("desk.case_refused")
def reopen(actor: Actor, case: Case, *, reason: str) -> Case:
    case = locked(actor, case)
    before = {"outcome": case.outcome}
    case.outcome, case.outcome_note, case.closed_at = "", "", None
    _move(
        actor,
        case,
        CaseStatus.IN_PROGRESS,
        action="desk.case_reopened",
        reason=_reason(reason, required=True),
        extra_fields=["outcome", "outcome_note", "closed_at"],
        before=before,
    )
    return case


@audited_refusal("desk.case_refused")
def set_review(actor: Actor, case: Case, *, on: date | None) -> Case:
    """Set (or clear) the next review date; the reminder runs again for a new date."""
    case = locked(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"next_review_on": _("Il caso è chiuso: non serve una verifica.")})
    if on is not None and on < timezone.localdate():
        raise ValidationError({"next_review_on": _("La prossima verifica non può essere passata.")})
    before = {"next_review_on": case.next_review_on.isoformat() if case.next_review_on else None}
    case.next_review_on, case.reminded_for = on, None
    case.save(update_fields=["next_review_on", "reminded_for", "updated_at"])
    audit.record(
        actor,
        "desk.review_set",
        case,
        organization=case.organization_id,
        person=case.person_id,
        before=before,
        after={"next_review_on": on.isoformat() if on else None},
    )
    return case


def transfer_targets(case: Case):
    """The active operators of the case's Point, other than the one holding it."""
    return (
        Membership.objects.filter(
            welfare_points__point_id=case.point_id,
            welfare_points__is_active=True,
            is_active=True,
        )
        .exclude(user_id=case.assigned_to_id)
        .select_related("user")
        .order_by("user__full_name")
    )


@audited_refusal("desk.case_refused")
def transfer(actor: Actor, case: Case, *, to: Membership, reason: str) -> Case:
    """Hand the case to another operator of the same Point: the Point's coordinator, or the
    operator holding the case."""
    case = locked(actor, case)
    coordinator = coordinated_points(actor).filter(pk=case.point_id).exists()
    if not coordinator and case.assigned_to_id != actor.user.pk:
        raise PermissionDenied(
            _("Solo il coordinatore del punto o l'operatore che segue il caso può trasferirlo.")
        )
    working = PointOperator.objects_unscoped.filter(
        point_id=case.point_id, membership=to, is_active=True, membership__is_active=True
    ).exists()
    if not working:
        raise ValidationError({"to": _("Scelga un operatore di questo Punto Welfare.")})
    if to.user_id == case.assigned_to_id:
        raise ValidationError({"to": _("Il caso è già seguito da questo operatore.")})
    before = {"assigned_to": case.assigned_to.email}
    case.assigned_to = to.user
    case.save(update_fields=["assigned_to", "updated_at"])
    audit.record(
        actor,
        "desk.case_transferred",
        case,
        organization=case.organization_id,
        person=case.person_id,
        before=before,
        after={"assigned_to": to.user.email},
        reason=_reason(reason, required=True),
    )
    return case


@audited_refusal("desk.case_refused")
def add_note(actor: Actor, case: Case, *, text: str, confidential: bool = False) -> CaseNote:
    case = locked(actor, case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Scriva il testo della nota.")})
    if len(text) > NOTE_MAX:
        raise ValidationError({"text": _("Al massimo %(n)s caratteri.") % {"n": NOTE_MAX}})
    note = CaseNote.objects_unscoped.create(
        case=case, author=actor.user, text=text, confidential=bool(confidential)
    )
    # The audit names the note, never its text: a confidential note stays in the case.
    audit.record(
        actor,
        "desk.note_added",
        case,
        organization=case.organization_id,
        person=case.person_id,
        after={"note": note.pk, "confidential": note.confidential},
    )
    return note


@audited_refusal("desk.case_refused")
def add_attachment(actor: Actor, case: Case, *, upload, description: str = "") -> CaseAttachment:
    case = locked(actor, case)
    checked = check_upload(upload, max_bytes=ATTACHMENT_MAX_BYTES)
    reject_duplicate(CaseAttachment.objects_unscoped.filter(case=case), checked)
    attachment = CaseAttachment(
        case=case,
        uploaded_by=actor.user,
        description=" ".join((description or "").split())[:200],
        **CaseAttachment.fields_from(checked),
    )
    attachment.file.save(stored_name(checked.original_name), upload, save=False)
    attachment.save()
    audit.record(
        actor,
        "desk.attachment_added",
        case,
        organization=case.organization_id,
        person=case.person_id,
        after={"attachment": attachment.pk, "name": attachment.original_name},
    )
    return attachment


@audited_refusal("desk.case_refused")
def add_consent(actor: Actor, case: Case, *, purpose: str, method: str, note: str = ""):
    """A consent given later (e.g. for sharing the data when a referral is needed)."""
    case = locked(actor, case)
    if case.person_id is None:
        raise ValidationError({"purpose": _("Un contatto anonimo non ha consensi da registrare.")})
    if purpose not in ConsentPurpose.values:
        raise ValidationError({"purpose": _("Finalità del consenso non valida.")})
    if method not in ConsentMethod.values:
        raise ValidationError(
            {"method": _("Indichi come la persona ha accettato: modulo firmato o a voce.")}
        )
    if CaseConsent.objects_unscoped.filter(
        case=case, purpose=purpose, withdrawn_at__isnull=True
    ).exists():
        raise ValidationError({"purpose": _("Questo consenso è già registrato.")})
    return record_consent(actor, case, purpose, method, note, INFORMATIVA_VERSION)


@audited_refusal("desk.case_refused")
def withdraw_consent(actor: Actor, consent: CaseConsent, *, reason: str = "") -> CaseConsent:
    """The person withdraws a consent at the desk (GDPR art. 7(3)): kept, marked withdrawn."""
    case = locked(actor, consent.case_id)
    consent = CaseConsent.objects_unscoped.select_for_update().get(pk=consent.pk, case=case)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("Il consenso è già stato revocato."))
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    audit.record(
        actor,
        "desk.consent_withdrawn",
        case,
        organization=case.organization_id,
        person=case.person_id,
        before={"purpose": consent.purpose},
        reason=_reason(reason),
    )
    return consent
