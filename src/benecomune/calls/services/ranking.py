"""Ranking (graduatoria): provisional, appeal window, final.

The database sorts the admitted applications by `rank_key` (score, then the call's tie-breaks),
then submission time, then id; budget is allocated down the list in strict order: the first
application whose amount no longer fits ends the funded part, and everyone after it is
"idonea non finanziata" (nobody below jumps ahead because a smaller amount would still fit).
Entries are written in chunks, so memory stays flat however many applications there are, and a
crashed run is simply started again (an incomplete ranking is rebuilt from scratch).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import (
    Application,
    ApplicationMember,
    ApplicationStatus,
    Call,
    CallStatus,
    Ranking,
    RankingEntry,
    RankingKind,
)
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.bulk import insert_rows

CHUNK = 2000
PENDING = [
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.CLARIFICATION,
    ApplicationStatus.INSTRUCTED,
]


def check_can_rank(actor: Actor, call: Call, kind: str, reason: str = "") -> None:
    actor.require("calls.manage", call.organization_id)
    if kind == RankingKind.PROVISIONAL and call.status != CallStatus.CLOSED:
        raise CallError(_("La graduatoria provvisoria si calcola a bando chiuso."))
    if kind == RankingKind.FINAL:
        if call.status != CallStatus.RANKED:
            raise CallError(_("Serve prima la graduatoria provvisoria."))
        if call.final_ranking_at:
            raise CallError(_("La graduatoria definitiva è già pubblicata."))
        if call.appeal_until and timezone.now() < call.appeal_until and not reason.strip():
            raise CallError(
                _("I ricorsi sono aperti fino al %(date)s: indichi il motivo per chiudere prima.")
                % {"date": timezone.localtime(call.appeal_until).strftime("%d/%m/%Y %H:%M")}
            )
    pending = Application.objects_unscoped.filter(call=call, status__in=PENDING).count()
    if pending:
        raise CallError(_("Ci sono ancora %(n)s domande da istruire o decidere.") % {"n": pending})


def build_ranking(
    actor: Actor, call: Call, kind: str, *, reason: str = "", progress=None
) -> Ranking:
    """Compute and store the ranking of `kind`. `progress(done, total)` is called per chunk."""
    call = Call.objects_unscoped.get(pk=call.pk)
    existing = Ranking.objects.filter(call=call, kind=kind).first()
    if existing is not None and existing.complete:
        return existing
    check_can_rank(actor, call, kind, reason)
    with transaction.atomic():
        if existing is not None:  # a crashed run: start again
            existing.entries.all().delete()
            ranking = existing
        else:
            ranking = Ranking.objects.create(call=call, kind=kind, created_by=actor.user)
    admitted = Application.objects_unscoped.filter(call=call, status=ApplicationStatus.ADMITTED)
    total = admitted.count()
    remaining = call.budget
    funding = True
    position = funded_count = funded_total = 0
    batch = []
    rows = admitted.order_by("rank_key", "submitted_at", "pk").values_list("pk", "score", "amount")
    for application_id, score, amount in rows.iterator(chunk_size=CHUNK):
        position += 1
        if amount > remaining:
            funding = False  # strict order: nobody below jumps ahead
        funded = funding and amount > 0
        if funded:
            remaining -= amount
            funded_count += 1
            funded_total += amount
        batch.append((ranking.pk, application_id, position, score, amount, funded))
        if len(batch) >= CHUNK:
            _insert_entries(batch)
            batch = []
            if progress:
                progress(position, total)
    _insert_entries(batch)
    with transaction.atomic():
        call = Call.objects_unscoped.select_for_update().get(pk=call.pk)
        ranking.complete = True
        ranking.entries_count = position
        ranking.funded_count = funded_count
        ranking.funded_total = funded_total
        ranking.save(update_fields=["complete", "entries_count", "funded_count", "funded_total"])
        now = timezone.now()
        if kind == RankingKind.PROVISIONAL:
            call.status = CallStatus.RANKED
            call.ranked_at = now
            call.appeal_until = now + datetime.timedelta(days=call.appeal_days)
            fields = ["status", "ranked_at", "appeal_until"]
        else:
            call.final_ranking_at = now
            fields = ["final_ranking_at"]
        call.save(update_fields=fields)
        audit.record(
            actor,
            "calls.ranking_built" if kind == RankingKind.PROVISIONAL else "calls.ranking_finalized",
            call,
            organization=call.organization,
            after={
                "kind": kind,
                "entries": position,
                "funded": funded_count,
                "funded_total": funded_total,
            },
            reason=reason,
        )
    if progress:
        progress(position, total)
    return ranking


def _insert_entries(rows) -> None:
    insert_rows(
        RankingEntry, ["ranking", "application", "position", "score", "amount", "funded"], rows
    )


@transaction.atomic
def reopen_for_appeal(actor: Actor, application: Application, *, reason: str) -> Application:
    """An appeal against the provisional ranking: the application goes back to the validator
    (status instructed) to be decided again before the final ranking."""
    application = Application.objects_unscoped.select_for_update().get(pk=application.pk)
    call = application.call
    if not actor.has_perm("applications.instruct", application.organization_id):
        actor.require("calls.manage", call.organization_id)
    if call.status != CallStatus.RANKED or call.final_ranking_at:
        raise CallError(_("I ricorsi si accolgono solo sulla graduatoria provvisoria."))
    if application.status not in (ApplicationStatus.ADMITTED, ApplicationStatus.REJECTED):
        raise CallError(_("La domanda non è stata decisa."))
    if not reason.strip():
        raise CallError(_("Indichi il contenuto del ricorso."))
    before = {"status": application.status}
    application.status = ApplicationStatus.INSTRUCTED
    application.decided_by = None
    application.decided_at = None
    application.save(update_fields=["status", "decided_by", "decided_at"])
    ApplicationMember.objects.filter(application=application).update(active=True)
    audit.record(
        actor,
        "calls.application_appeal",
        application,
        organization=application.organization,
        person=application.applicant,
        before=before,
        after={"status": application.status},
        reason=reason,
    )
    return application


def ranking_rows(ranking: Ranking):
    """Position, protocol, score, amount and outcome: what is published (no names)."""
    return (
        ranking.entries.order_by("position")
        .values_list("position", "application__protocol", "score", "amount", "funded")
        .iterator(chunk_size=CHUNK)
    )
