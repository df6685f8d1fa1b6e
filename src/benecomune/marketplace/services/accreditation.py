"""Accreditation of a provider by its network, per service area: the provider drafts the
request and uploads the checklist's documents, submits; the network takes it in review,
verifies each document and decides. Maker-checker as in calls: whoever took the request in
review or verified one of its current documents does not decide it (accredit or reject) nor
renew it. Every move goes through the lifecycle table (marketplace/lifecycles.py)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Provider
from benecomune.core.notifications import EMAIL, notify
from benecomune.marketplace.lifecycles import ACCREDITATION
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationEvidence,
    AccreditationStatus,
    ServiceArea,
)
from benecomune.marketplace.models.accreditation import CLOSED_STATUSES
from benecomune.marketplace.services.checklist import requirements_for
from benecomune.marketplace.services.common import (
    NETWORK_PERMISSION,
    clean_text,
    require_provider_staff,
)
from benecomune.marketplace.services.evidence import (  # noqa: F401 (the request's documents)
    MAX_EVIDENCE_BYTES,
    UPLOAD_STATUSES,
    checklist,
    current_evidence,
    date_text,
    lock,
    missing_items,
    today_or,
    upload_evidence,
)

S = AccreditationStatus
ACCREDITATION_YEARS = 3
REASON_MAX = 2000


def _reason(reason: str) -> str:
    reason = clean_text(reason)
    if not reason:
        raise ValidationError(
            {"reason": _("Indichi la motivazione: sarà comunicata al fornitore.")}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("La motivazione supera %(max)s caratteri.") % {"max": REASON_MAX}}
        )
    return reason


def _notify_provider(accreditation: Accreditation, key: str, **context) -> None:
    notify(
        accreditation.provider,
        key,
        {
            "provider": accreditation.provider.name,
            "network": accreditation.network.name,
            "area": accreditation.get_area_display(),
            **context,
        },
        organization=accreditation.provider,
        channels=[EMAIL],
    )


@transaction.atomic
def create_draft(actor: Actor, provider: Provider, *, area: str) -> Accreditation:
    """Start a request for one service area with the provider's network."""
    require_provider_staff(actor, provider)
    if area not in ServiceArea.values:
        raise ValidationError({"area": _("Scelga l'area di servizio.")})
    if not provider.is_active or provider.network_id is None:
        raise ValidationError(_("Il fornitore non è ancora attivo nella rete."))
    if not requirements_for(provider.network_id, area):
        raise ValidationError(
            _("La rete non ha ancora stabilito i documenti richiesti per questa area.")
        )
    open_one = Accreditation.objects_unscoped.filter(
        provider=provider, network_id=provider.network_id, area=area
    ).exclude(status__in=CLOSED_STATUSES)
    if open_one.exists():
        raise ValidationError(
            {"area": _("Per questa area c'è già una domanda o un accreditamento in corso.")}
        )
    accreditation = Accreditation.objects_unscoped.create(
        provider=provider,
        network_id=provider.network_id,
        area=area,
        created_by=actor.user,
    )
    audit.record(
        actor,
        "marketplace.accreditation_created",
        accreditation,
        organization=provider,
        after={"area": area, "status": S.DRAFT},
    )
    return accreditation


@transaction.atomic
def submit(actor: Actor, accreditation: Accreditation, *, today=None) -> Accreditation:
    """The provider sends the request: every required item has a document valid today."""
    accreditation = lock(accreditation)
    require_provider_staff(actor, accreditation.provider)
    ACCREDITATION.check(actor, accreditation, S.SUBMITTED)
    missing = missing_items(accreditation, today_or(today))
    if missing:
        raise ValidationError(
            _("Mancano documenti obbligatori o sono scaduti: %(items)s.")
            % {"items": "; ".join(missing)}
        )
    accreditation.submitted_at = timezone.now()
    ACCREDITATION.apply(actor, accreditation, S.SUBMITTED, extra_fields=["submitted_at"])
    return accreditation


@transaction.atomic
def take_in_review(actor: Actor, accreditation: Accreditation) -> Accreditation:
    accreditation = lock(accreditation)
    accreditation.reviewer = actor.user
    accreditation.review_started_at = timezone.now()
    ACCREDITATION.apply(
        actor, accreditation, S.IN_REVIEW, extra_fields=["reviewer", "review_started_at"]
    )
    return accreditation


@transaction.atomic
def verify_evidence(
    actor: Actor, evidence: AccreditationEvidence, *, today=None
) -> AccreditationEvidence:
    """The network checks one document and records who did and when."""
    accreditation = lock(evidence.accreditation)
    actor.require(NETWORK_PERMISSION, accreditation.network)
    evidence = AccreditationEvidence.objects_unscoped.select_for_update().get(pk=evidence.pk)
    if accreditation.status not in (S.IN_REVIEW, S.ACCREDITED, S.SUSPENDED):
        raise ValidationError(_("Si verificano i documenti di una domanda presa in esame."))
    if not evidence.is_current:
        raise ValidationError(_("Questo documento è stato sostituito da uno più recente."))
    if evidence.verified_at is not None:
        return evidence
    if not evidence.is_valid_on(today_or(today)):
        raise ValidationError(_("Il documento è scaduto: chieda al fornitore quello nuovo."))
    evidence.verified_by = actor.user
    evidence.verified_at = timezone.now()
    evidence.save(update_fields=["verified_by", "verified_at"])
    audit.record(
        actor,
        "marketplace.evidence_verified",
        evidence,
        organization=accreditation.network,
        after={"accreditation": accreditation.pk, "requirement": evidence.requirement.key},
    )
    return evidence


def took_part(user, accreditation: Accreditation, *, review: bool = True) -> bool:
    """The user took the request in review or verified one of its current documents."""
    if user is None:
        return False
    if review and accreditation.reviewer_id == user.pk:
        return True
    return AccreditationEvidence.objects_unscoped.filter(
        accreditation=accreditation, is_current=True, verified_by=user
    ).exists()


def _refuse_maker(actor: Actor, accreditation: Accreditation, *, review: bool = True) -> None:
    if took_part(actor.user, accreditation, review=review):
        raise ValidationError(
            _(
                "Ha esaminato questa domanda o verificato i suoi documenti: la decisione spetta "
                "a un altro amministratore (principio dei quattro occhi)."
            )
        )


@transaction.atomic
def accredit(actor: Actor, accreditation: Accreditation, *, today=None) -> Accreditation:
    accreditation = lock(accreditation)
    ACCREDITATION.check(actor, accreditation, S.ACCREDITED)
    _refuse_maker(actor, accreditation)
    today = today_or(today)
    missing = missing_items(accreditation, today, verified=True)
    if missing:
        raise ValidationError(
            _("Documenti obbligatori non ancora verificati o scaduti: %(items)s.")
            % {"items": "; ".join(missing)}
        )
    accreditation.decided_by = actor.user
    accreditation.decided_at = timezone.now()
    accreditation.valid_from = today
    accreditation.valid_until = (
        today.replace(year=today.year + ACCREDITATION_YEARS)
        if not (today.month == 2 and today.day == 29)
        else today + datetime.timedelta(days=365 * ACCREDITATION_YEARS)
    )
    accreditation.reason = ""
    ACCREDITATION.apply(
        actor,
        accreditation,
        S.ACCREDITED,
        extra_fields=["decided_by", "decided_at", "valid_from", "valid_until", "reason"],
        after={"valid_until": str(accreditation.valid_until)},
    )
    _notify_provider(
        accreditation, "marketplace_accredited", until=date_text(accreditation.valid_until)
    )
    return accreditation


@transaction.atomic
def reject(actor: Actor, accreditation: Accreditation, *, reason: str) -> Accreditation:
    accreditation = lock(accreditation)
    ACCREDITATION.check(actor, accreditation, S.REJECTED)
    _refuse_maker(actor, accreditation)
    accreditation.reason = _reason(reason)
    accreditation.decided_by = actor.user
    accreditation.decided_at = timezone.now()
    ACCREDITATION.apply(
        actor,
        accreditation,
        S.REJECTED,
        extra_fields=["reason", "decided_by", "decided_at"],
        reason=accreditation.reason,
    )
    _notify_provider(
        accreditation,
        "marketplace_accreditation_closed",
        status=accreditation.get_status_display(),
        reason=accreditation.reason,
    )
    return accreditation


def _close(actor, accreditation, target, reason) -> Accreditation:
    accreditation = lock(accreditation)
    ACCREDITATION.check(actor, accreditation, target)
    accreditation.reason = _reason(reason)
    ACCREDITATION.apply(
        actor, accreditation, target, extra_fields=["reason"], reason=accreditation.reason
    )
    _notify_provider(
        accreditation,
        "marketplace_accreditation_closed",
        status=accreditation.get_status_display(),
        reason=accreditation.reason,
    )
    return accreditation


@transaction.atomic
def suspend(actor: Actor, accreditation: Accreditation, *, reason: str) -> Accreditation:
    """No payment from public or company wallets until renewed (is_accredited is False)."""
    return _close(actor, accreditation, S.SUSPENDED, reason)


@transaction.atomic
def revoke(actor: Actor, accreditation: Accreditation, *, reason: str) -> Accreditation:
    return _close(actor, accreditation, S.REVOKED, reason)


@transaction.atomic
def renew(actor: Actor, accreditation: Accreditation, *, today=None) -> Accreditation:
    """A suspended accreditation is accredited again once every required document is valid
    and verified, by someone who verified none of them."""
    accreditation = lock(accreditation)
    ACCREDITATION.check(actor, accreditation, S.ACCREDITED)
    _refuse_maker(actor, accreditation, review=False)
    today = today_or(today)
    if accreditation.valid_until and accreditation.valid_until < today:
        raise ValidationError(
            _("L'accreditamento è arrivato alla sua scadenza: serve una nuova domanda.")
        )
    missing = missing_items(accreditation, today, verified=True)
    if missing:
        raise ValidationError(
            _("Documenti obbligatori non ancora verificati o scaduti: %(items)s.")
            % {"items": "; ".join(missing)}
        )
    accreditation.reason = ""
    ACCREDITATION.apply(actor, accreditation, S.ACCREDITED, extra_fields=["reason"])
    _notify_provider(
        accreditation, "marketplace_accredited", until=date_text(accreditation.valid_until)
    )
    return accreditation
