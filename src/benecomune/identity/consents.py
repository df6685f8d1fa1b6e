"""The consents a person gave, as the platform already records them (no second mechanism):

- the consent to be assisted by a Comune's desk on an application (`calls.Application`
  consent_at / consent_note / assisted_by): withdrawable while the application can still be
  changed; once withdrawn the desk may no longer act on it (calls' `authorize` refuses it);
- one-off consents given at a desk for a single action on the citizen's behalf (a message, a
  review, a claim), kept in the audit event's reason by `core.on_behalf`: the action is done,
  so there is nothing left to withdraw; they are listed so the person knows.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent

# Statuses in which the desk may still change an application for the citizen.
WITHDRAWABLE_STATUSES = ("draft", "clarification")


@dataclass(frozen=True)
class Consent:
    given_at: datetime
    purpose: str
    how: str
    subject: str
    withdrawable: bool
    application_id: int | None = None


def consents_of(person_id: int) -> list[Consent]:
    application = apps.get_model("calls.Application")
    consents = [
        Consent(
            given_at=row.consent_at,
            purpose=_("Assistenza dello sportello del Comune nella compilazione della domanda"),
            how=row.consent_note,
            subject=_("Domanda %(ref)s — %(call)s")
            % {"ref": row.protocol or _("in bozza"), "call": row.call.title},
            withdrawable=row.status in WITHDRAWABLE_STATUSES,
            application_id=row.pk,
        )
        for row in application.objects_unscoped.filter(
            applicant_id=person_id, consent_at__isnull=False
        ).select_related("call")
    ]
    consents += _desk_consents(person_id)
    consents += [
        Consent(
            given_at=event.created_at,
            purpose=_("Un'operazione svolta per suo conto allo sportello"),
            how=event.reason.rsplit("consenso:", 1)[-1].strip(),
            subject=event.object_repr,
            withdrawable=False,
        )
        for event in AuditEvent.objects_unscoped.filter(
            person_id=person_id, reason__contains="consenso:"
        ).exclude(action="calls.application_consent")
    ]
    return sorted(consents, key=lambda c: c.given_at, reverse=True)


def _desk_how(row) -> str:
    if row.withdrawn_at is None:
        return row.get_method_display()
    withdrawn = _("revocato il %(day)s") % {"day": row.withdrawn_at.strftime("%d/%m/%Y")}
    return f"{row.get_method_display()} — {withdrawn}"


def _desk_consents(person_id: int) -> list[Consent]:
    """Consents given at a Welfare Point, one per purpose of a case; withdrawn at the desk
    (desk.services.cases.withdraw_consent), so not withdrawable from here."""
    consent = apps.get_model("desk.CaseConsent")
    return [
        Consent(
            given_at=row.given_at,
            purpose=row.get_purpose_display(),
            how=_desk_how(row),
            subject=_("Caso %(ref)s — %(point)s")
            % {"ref": row.case.protocol, "point": row.case.point.name},
            withdrawable=False,
        )
        for row in consent.objects_unscoped.filter(case__person_id=person_id).select_related(
            "case__point"
        )
    ]


@transaction.atomic
def withdraw_assistance_consent(actor: Actor, application_id: int):
    """The applicant withdraws their consent to be assisted on an application they may still
    change: the desk can no longer act on it until a new consent is recorded."""
    model = apps.get_model("calls.Application")
    application = model.objects_unscoped.select_for_update().filter(pk=application_id).first()
    if (
        application is None
        or actor.user is None
        or actor.membership is not None
        or actor.user.person_id != application.applicant_id
    ):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
    if application.consent_at is None:
        raise ValidationError(_("Il consenso è già stato revocato."))
    if application.status not in WITHDRAWABLE_STATUSES:
        raise ValidationError(
            _("La domanda non si può più modificare: non c'è un consenso da revocare.")
        )
    before = {"consent_note": application.consent_note}
    application.consent_at = None
    application.consent_note = ""
    application.save(update_fields=["consent_at", "consent_note", "updated_at"])
    audit.record(
        actor,
        "identity.consent_withdrawn",
        application,
        organization=application.organization_id,
        person=application.applicant_id,
        before=before,
    )
    return application
