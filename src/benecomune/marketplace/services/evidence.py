"""The documents of an accreditation request: the checklist of a request (the network's
items for its area with the current document of each), what is still missing, and the upload
(type-checked, size-limited, an already expired document refused, a new one replacing the
current one)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.uploads import check_upload, reject_duplicate
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationEvidence,
    AccreditationRequirement,
    AccreditationStatus,
)
from benecomune.marketplace.services.checklist import requirements_for
from benecomune.marketplace.services.common import require_provider_staff

S = AccreditationStatus
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
# Statuses in which the provider may upload (a renewal uploads while accredited or suspended).
UPLOAD_STATUSES = (S.DRAFT, S.ACCREDITED, S.SUSPENDED)


def today_or(today) -> datetime.date:
    return today or timezone.localdate()


def date_text(day) -> str:
    text = formats.date_format(day, "j F Y")
    # Italian writes month names in lower case ("5 dicembre 2026").
    return text.lower() if (get_language() or "").startswith("it") else text


def lock(accreditation: Accreditation) -> Accreditation:
    return (
        Accreditation.objects_unscoped.select_for_update()
        .select_related("provider", "network")
        .get(pk=accreditation.pk)
    )


def current_evidence(accreditation: Accreditation) -> dict[int, AccreditationEvidence]:
    """The current document of each requirement, by requirement id."""
    rows = AccreditationEvidence.objects_unscoped.filter(
        accreditation=accreditation, is_current=True
    )
    return {row.requirement_id: row for row in rows}


def checklist(
    accreditation: Accreditation,
) -> list[tuple[AccreditationRequirement, AccreditationEvidence | None]]:
    evidence = current_evidence(accreditation)
    return [
        (r, evidence.get(r.pk))
        for r in requirements_for(accreditation.network_id, accreditation.area)
    ]


def missing_items(accreditation: Accreditation, today, *, verified: bool = False) -> list[str]:
    """Titles of the required items without a current document valid on `today` (and, with
    `verified`, verified by the network)."""
    missing = []
    for requirement, evidence in checklist(accreditation):
        if not requirement.required:
            continue
        if (
            evidence is None
            or not evidence.is_valid_on(today)
            or (verified and evidence.verified_at is None)
        ):
            missing.append(requirement.title)
    return missing


@transaction.atomic
def upload_evidence(
    actor: Actor,
    accreditation: Accreditation,
    requirement: AccreditationRequirement,
    uploaded,
    *,
    issued_on: datetime.date | None,
    expires_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> AccreditationEvidence:
    """The document of one checklist item (PDF, JPEG or PNG, at most 10 MB). A document
    already expired is refused; a new one replaces the current document of the item."""
    accreditation = lock(accreditation)
    require_provider_staff(actor, accreditation.provider)
    today = today_or(today)
    if accreditation.status not in UPLOAD_STATUSES:
        raise ValidationError(
            _("La domanda è «%(status)s»: i documenti non si possono cambiare ora.")
            % {"status": accreditation.get_status_display()}
        )
    if (
        requirement.network_id != accreditation.network_id
        or not requirement.is_active
        or not requirement.applies_to(accreditation.area)
    ):
        raise ValidationError(_("Questo documento non è nell'elenco della domanda."))
    errors: dict = {}
    if issued_on is None:
        errors["issued_on"] = [_("Indichi la data di rilascio del documento.")]
    elif issued_on > today:
        errors["issued_on"] = [_("La data di rilascio non può essere futura.")]
    if requirement.needs_expiry and expires_on is None:
        errors["expires_on"] = [_("Questo documento ha una scadenza: la indichi.")]
    if expires_on is not None:
        if expires_on < today:
            errors["expires_on"] = [
                _("Il documento è scaduto il %(date)s: carichi quello in corso di validità.")
                % {"date": date_text(expires_on)}
            ]
        elif issued_on is not None and expires_on < issued_on:
            errors["expires_on"] = [_("La scadenza viene prima della data di rilascio.")]
    try:
        checked = check_upload(uploaded, max_bytes=MAX_EVIDENCE_BYTES)
    except ValidationError as exc:
        errors["file"] = exc.messages
        checked = None
    if errors:
        raise ValidationError(errors)
    reject_duplicate(
        AccreditationEvidence.objects_unscoped.filter(accreditation=accreditation, is_current=True),
        checked,
    )
    replaced = AccreditationEvidence.objects_unscoped.filter(
        accreditation=accreditation, requirement=requirement, is_current=True
    )
    replaced_ids = list(replaced.values_list("pk", flat=True))
    replaced.update(is_current=False)
    evidence = AccreditationEvidence(
        accreditation=accreditation,
        requirement=requirement,
        issued_on=issued_on,
        expires_on=expires_on,
        uploaded_by=actor.user,
        **AccreditationEvidence.fields_from(checked),
    )
    evidence.file.save(stored_name(checked.original_name), uploaded, save=False)
    evidence.save()
    audit.record(
        actor,
        "marketplace.evidence_uploaded",
        evidence,
        organization=accreditation.provider,
        after={
            "accreditation": accreditation.pk,
            "requirement": requirement.key,
            "issued_on": str(issued_on),
            "expires_on": str(expires_on) if expires_on else None,
            "sha256": checked.sha256,
            "replaces": replaced_ids,
        },
    )
    return evidence
