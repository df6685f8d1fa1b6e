"""Ranking (graduatoria): provisional, appeal window, final.

The database sorts the admitted applications by `rank_key` (score, then the call's tie-breaks),
then submission time, then id; budget is allocated down the list in strict order: the first
application whose amount no longer fits ends the funded part, and everyone after it is
"idonea non finanziata" (nobody below jumps ahead because a smaller amount would still fit).
In a joint call with a share per Comune the same holds within each Comune's share
(`calls.services.shares.allocate` decides, for every kind of call).
The allocation needs the whole list (a share's leftover can go back down the ranking), so the
rows are held as four numbers each (about 20 MB for 100k applications); entries are written in
chunks, and a crashed run is simply started again (an incomplete ranking is rebuilt from scratch).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.calls.exceptions import CallError
from benecomune.calls.lifecycles import APPLICATION, CALL
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
from benecomune.calls.services.shares import allocate, plan_for
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.bulk import insert_rows
from benecomune.core.confirmation import check_confirmed, fingerprint

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
        raise CallError(
            ngettext(
                "C'è ancora %(n)s domanda da istruire o decidere.",
                "Ci sono ancora %(n)s domande da istruire o decidere.",
                pending,
            )
            % {"n": pending}
        )


def admitted_rows(call: Call) -> list[tuple[int, int, int, int]]:
    """(application id, score, amount, Comune id) of the admitted applications, in ranking
    order: what a ranking built now would list (the final ranking's confirmation shows it)."""
    return list(
        Application.objects_unscoped.filter(call=call, status=ApplicationStatus.ADMITTED)
        .order_by("rank_key", "submitted_at", "pk")
        .values_list("pk", "score", "amount", "organization_id")
        .iterator(chunk_size=CHUNK)
    )


def final_fingerprint(call: Call, rows) -> str:
    """What the confirmation of the final ranking showed: the order, ids and amounts of the
    admitted applications and the end of the appeal window."""
    appeal_until = call.appeal_until.isoformat() if call.appeal_until else ""
    return fingerprint(
        "final", call.pk, appeal_until, rows=((pk, amount) for pk, _score, amount, _org in rows)
    )


def build_ranking(
    actor: Actor,
    call: Call,
    kind: str,
    *,
    reason: str = "",
    expected_fingerprint: str | None = None,
    progress=None,
) -> Ranking:
    """Compute and store the ranking of `kind`. `progress(done, total)` is called per chunk.
    With `expected_fingerprint` (the final ranking confirmed from its page) nothing is built
    if the admitted applications are no longer the ones the summary showed."""
    call = Call.objects_unscoped.get(pk=call.pk)
    existing = Ranking.objects.filter(call=call, kind=kind).first()
    if existing is not None and existing.complete:
        return existing
    check_can_rank(actor, call, kind, reason)
    rows = admitted_rows(call)
    total = len(rows)
    if kind == RankingKind.FINAL:
        check_confirmed(expected_fingerprint, final_fingerprint(call, rows))
    with transaction.atomic():
        if existing is not None:  # a crashed run: start again
            existing.entries.all().delete()
            ranking = existing
        else:
            ranking = Ranking.objects.create(call=call, kind=kind, created_by=actor.user)
    # Who is funded: the budget (and, in a joint call, each Comune's share) down the list.
    allocation = allocate([(amount, org) for _pk, _score, amount, org in rows], plan_for(call))
    funded_count, funded_total = allocation.funded_count, allocation.funded_total
    position = 0
    batch = []
    for (application_id, score, amount, _org), funded in zip(rows, allocation.funded, strict=True):
        position += 1
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
        after = {
            "kind": kind,
            "entries": position,
            "funded": funded_count,
            "funded_total": funded_total,
            "by_municipality": {
                str(m): {"share": t.share, "funded": t.awarded}
                for m, t in allocation.totals.items()
            },
        }
        if kind == RankingKind.PROVISIONAL:
            call.ranked_at = now
            call.appeal_until = now + datetime.timedelta(days=call.appeal_days)
            CALL.apply(
                actor,
                call,
                CallStatus.RANKED,
                extra_fields=["ranked_at", "appeal_until"],
                organization=call.organization,
                after=after,
                reason=reason,
            )
        else:  # the final ranking does not change the call's status
            call.final_ranking_at = now
            call.save(update_fields=["final_ranking_at"])
            audit.record(
                actor,
                "calls.ranking_finalized",
                call,
                organization=call.organization,
                after=after,
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
    application.decided_by = None
    application.decided_at = None
    APPLICATION.apply(
        actor,
        application,
        ApplicationStatus.INSTRUCTED,
        extra_fields=["decided_by", "decided_at"],
        organization=application.organization,
        person=application.applicant,
        reason=reason,
    )
    ApplicationMember.objects.filter(application=application).update(active=True)
    return application


def ranking_rows(ranking: Ranking):
    """Position, protocol, score, amount and outcome: what is published (no names)."""
    return (
        ranking.entries.order_by("position")
        .values_list("position", "application__protocol", "score", "amount", "funded")
        .iterator(chunk_size=CHUNK)
    )
