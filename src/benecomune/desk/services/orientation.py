"""The operator's decisions on a case's orientation: dismiss a suggestion with a reason, give
the person the chosen list (stored with its reasons; printed as a PDF and shown in their
area), and record a need as unmet. The suggestions are recomputed here (desk.orientation):
only what the platform proposes can be chosen or dismissed. Each decision is audited."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.desk.models import (
    Case,
    DismissedSuggestion,
    NeedOutcome,
    NeedStatus,
    Orientation,
    OrientationItem,
    SuggestionKind,
)
from benecomune.desk.orientation.propose import propose
from benecomune.desk.services.cases import NOTE_MAX, _reason, locked
from benecomune.desk.services.refusals import audited_refusal

# Suggestions that answer a need (a Point to go to does not: the need stays unmet).
ANSWERING = (SuggestionKind.CALL, SuggestionKind.SERVICE, SuggestionKind.PLAN)


def _suggestion(case, key):
    suggestion = propose(case).by_key().get(key)
    if suggestion is None:
        raise ValidationError(_("Questa proposta non è più disponibile per il caso."))
    return suggestion


@audited_refusal("desk.case_refused")
def dismiss(actor: Actor, case: Case, *, key: str, reason: str) -> DismissedSuggestion:
    case = locked(actor, case)
    reason = _reason(reason, required=True)
    suggestion = _suggestion(case, key)
    dismissal = DismissedSuggestion.objects_unscoped.create(
        case=case,
        key=key,
        kind=suggestion.kind,
        title=suggestion.title[:250],
        reason=reason,
        dismissed_by=actor.user,
    )
    audit.record(
        actor,
        "desk.suggestion_dismissed",
        case,
        organization=case.organization_id,
        person=case.person_id,
        after={"suggestion": key},
        reason=reason,
    )
    return dismissal


def _record_need(actor, case, need, status, note) -> None:
    NeedOutcome.objects_unscoped.update_or_create(
        case=case,
        need=need,
        defaults={"status": status, "note": note[:500], "recorded_by": actor.user},
    )


@audited_refusal("desk.case_refused")
def give(actor: Actor, case: Case, *, keys, note: str = "") -> Orientation:
    """The chosen suggestions, as the person's list. Needs no chosen call, service or plan
    credit answers are recorded as unmet (the observatory counts them)."""
    case = locked(actor, case)
    keys = list(dict.fromkeys(keys))
    proposal = propose(case)
    available = proposal.by_key()
    missing = [k for k in keys if k not in available]
    if missing:
        raise ValidationError(
            _("Una delle proposte scelte non è più disponibile: ricarichi la pagina.")
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("Al massimo %(n)s caratteri.") % {"n": NOTE_MAX}})
    orientation = Orientation.objects_unscoped.create(
        case=case, person_id=case.person_id, note=note, given_by=actor.user
    )
    met = set()
    for position, key in enumerate(keys):
        suggestion = available[key]
        item = OrientationItem.objects_unscoped.create(
            orientation=orientation,
            key=key,
            kind=suggestion.kind,
            title=suggestion.title[:250],
            detail=suggestion.detail,
            reasons=[str(r) for r in suggestion.reasons],
            unknowns=[str(u) for u in suggestion.unknowns],
            position=position,
        )
        item.needs.set(suggestion.needs)
        if suggestion.kind in ANSWERING:
            met |= {n.pk for n in suggestion.needs}
    unmet = []
    for need in proposal.needs:
        if need.pk in met:
            _record_need(actor, case, need, NeedStatus.MET, "")
        else:
            unmet.append(need.code)
            _record_need(
                actor,
                case,
                need,
                NeedStatus.UNMET,
                str(_("Nessuna proposta adatta all'orientamento.")),
            )
    audit.record(
        actor,
        "desk.orientation_given",
        case,
        organization=case.organization_id,
        person=case.person_id,
        after={"orientation": orientation.pk, "suggestions": keys, "unmet": unmet},
    )
    return orientation


@audited_refusal("desk.case_refused")
def mark_unmet(actor: Actor, case: Case, *, need, note: str) -> NeedOutcome:
    case = locked(actor, case)
    if need is None or not case.needs.filter(pk=need.pk).exists():
        raise ValidationError({"need": _("Scelga uno dei bisogni del caso.")})
    note = _reason(note, required=True, field="note")
    _record_need(actor, case, need, NeedStatus.UNMET, note)
    audit.record(
        actor,
        "desk.need_unmet",
        case,
        organization=case.organization_id,
        person=case.person_id,
        after={"need": need.code},
        reason=note,
    )
    return NeedOutcome.objects_unscoped.get(case=case, need=need)
