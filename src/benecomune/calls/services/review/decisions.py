"""Closing the instruction with a proposal, and the validator's decision (maker-checker)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.calls import rules as engine
from benecomune.calls.exceptions import CallError
from benecomune.calls.lifecycles import APPLICATION
from benecomune.calls.models import Application, ApplicationStatus
from benecomune.calls.services.facts import facts_from_application
from benecomune.calls.services.review.checklist import PROPOSALS, checklist_items
from benecomune.calls.services.review.common import (
    TEXT_MAX,
    label,
    lock,
    notify,
    refuse_own_household,
    require_call_in_review,
    require_instructor,
    require_status,
    took_part_in_instruction,
)
from benecomune.core.actors import Actor
from benecomune.ledger.money import format_euro


@transaction.atomic
def complete_instruction(
    actor: Actor, application: Application, proposal: str, note: str = ""
) -> Application:
    """Close the instruction with a proposal for the validator (admit or reject)."""
    application = lock(application)
    require_instructor(actor, application)
    require_call_in_review(application)
    require_status(
        application,
        [ApplicationStatus.SUBMITTED],
        _("Si conclude l'istruttoria di una domanda presentata; questa è «%(status)s»."),
    )
    if proposal not in PROPOSALS:
        raise CallError(_("Indichi la proposta: ammissione o esclusione."))
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise CallError(_("La nota supera %(max)s caratteri.") % {"max": TEXT_MAX})
    recorded = application.checklist.get("items", {})
    missing = [
        item["label"] for item in checklist_items(application) if item["key"] not in recorded
    ]
    if missing:
        raise CallError(
            ngettext(
                "Completi la lista di controllo prima di concludere: manca la voce %(labels)s.",
                "Completi la lista di controllo prima di concludere: mancano le voci %(labels)s.",
                len(missing),
            )
            % {"labels": ", ".join(f"«{m}»" for m in missing)}
        )
    if proposal == "reject" and not note:
        raise CallError(_("Per proporre l'esclusione indichi il motivo."))
    failing = application.eligible is False or any(
        item.get("outcome") == "ko" for item in recorded.values()
    )
    if proposal == "admit" and failing and not note:
        raise CallError(
            _(
                "Risultano requisiti non soddisfatti o voci non conformi: per proporre "
                "l'ammissione spieghi perché."
            )
        )
    application.instructed_by = actor.user
    application.instructed_at = timezone.now()
    application.checklist = {**application.checklist, "proposal": proposal, "proposal_note": note}
    APPLICATION.apply(
        actor,
        application,
        ApplicationStatus.INSTRUCTED,
        extra_fields=["instructed_by", "instructed_at", "checklist", "updated_at"],
        organization=application.organization,
        person=application.applicant,
        after={"proposal": proposal},
        reason=note,
    )
    notify(
        application,
        _("Domanda %(protocol)s: istruttoria conclusa") % {"protocol": label(application)},
        _(
            "L'esame della sua domanda al bando «%(call)s» è concluso. Ora la domanda attende la "
            "decisione del Comune, che le sarà comunicata."
        )
        % {"call": application.call.title},
    )
    return application


def _override_amount(application: Application) -> None:
    """An application admitted against the rules gets what the rules would give its household."""
    parsed = engine.parse_rules(application.call.rules)
    facts = facts_from_application(application)
    today = timezone.localdate()
    application.amount = engine.compute_amount(parsed, facts, today)
    application.score = engine.compute_score(parsed, facts, today)
    application.derive_rank_key()
    if application.amount <= 0:
        raise CallError(
            _("Con i dati della domanda non spetta alcun importo: non si può ammettere in deroga.")
        )


@transaction.atomic
def decide(actor: Actor, application: Application, approve: bool, reason: str) -> Application:
    """The validator admits or rejects an instructed application, with a reason (required to
    reject, to admit against the rules, and to decide against the desk's proposal)."""
    application = lock(application)
    actor.require("applications.decide", application.organization_id)
    refuse_own_household(actor, application)
    require_status(
        application,
        [ApplicationStatus.INSTRUCTED],
        _("Si decide solo su una domanda istruita; questa è «%(status)s»."),
    )
    require_call_in_review(application, deciding=True)
    if took_part_in_instruction(actor.user, application):
        raise CallError(
            _(
                "Ha partecipato all'istruttoria di questa domanda: la decisione spetta a un "
                "altro convalidatore (principio dei quattro occhi)."
            )
        )
    reason = (reason or "").strip()
    if len(reason) > TEXT_MAX:
        raise CallError(_("La motivazione supera %(max)s caratteri.") % {"max": TEXT_MAX})
    if not approve and not reason:
        raise CallError(_("Per respingere la domanda indichi il motivo."))
    override = bool(approve and application.eligible is not True)
    if override and not reason:
        raise CallError(
            _(
                "Secondo le regole del bando la domanda non ha i requisiti: per ammetterla in "
                "deroga indichi il motivo."
            )
        )
    proposal = application.checklist.get("proposal")
    if proposal and (proposal == "admit") != bool(approve) and not reason:
        raise CallError(
            _("La decisione è diversa dalla proposta dello sportello: indichi il motivo.")
        )
    if override:
        _override_amount(application)
    application.decided_by = actor.user
    application.decided_at = timezone.now()
    application.decision_reason = reason
    APPLICATION.apply(
        actor,
        application,
        ApplicationStatus.ADMITTED if approve else ApplicationStatus.REJECTED,
        extra_fields=[
            "decided_by",
            "decided_at",
            "decision_reason",
            "amount",
            "score",
            "rank_key",
            "updated_at",
        ],
        organization=application.organization,
        person=application.applicant,
        after={"override": override, "proposal": proposal, "amount": application.amount},
        reason=reason,
    )
    if not approve:
        # A rejected application no longer holds its household's place in the call.
        application.members.update(active=False)
    values = {"protocol": label(application), "call": application.call.title, "reason": reason}
    if approve:
        values["amount"] = format_euro(application.amount)
        body = _(
            "La sua domanda al bando «%(call)s» è stata ammessa. Importo spettante secondo le "
            "regole del bando: %(amount)s. L'assegnazione dipende dalla graduatoria e dal budget "
            "disponibile: le sarà comunicata."
        )
        if reason:
            body += "\n\n" + _("Motivazione: %(reason)s")
        notify(application, _("Domanda ammessa") + f" ({values['protocol']})", body % values)
    else:
        notify(
            application,
            _("Domanda respinta: %(reason)s") % values,
            _(
                "La sua domanda al bando «%(call)s» è stata respinta.\n\nMotivo: %(reason)s\n\n"
                "Per chiarimenti o per presentare le sue ragioni si rivolga allo sportello del "
                "Comune."
            )
            % values,
        )
    return application
