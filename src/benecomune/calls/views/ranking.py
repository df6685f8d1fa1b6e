"""Ranking pages: build the provisional and final rankings, appeals, award; publication."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.calls.models import (
    Application,
    Award,
    Call,
    CallStatus,
    Ranking,
    RankingKind,
    ShareMode,
)
from benecomune.calls.publication import ranking_csv_lines, ranking_pdf
from benecomune.calls.services.confirm import check_confirmation
from benecomune.calls.services.ranking import PENDING, check_can_rank, reopen_for_appeal
from benecomune.calls.services.shares import (
    awarded_by_municipality,
    is_joint,
    ranking_allocation,
    totals_rows,
)
from benecomune.calls.views.ranking_blockers import ranking_blockers
from benecomune.core.lists import paged
from benecomune.core.models import Job, Organization
from benecomune.core.services.jobs import start_job
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.money import format_decimal

JOB_KINDS = ("calls.rank", "calls.award")


def _running_job(call):
    return (
        Job.objects.filter(kind__in=JOB_KINDS, params__call=call.pk)
        .exclude(status__in=["done", "failed"])
        .order_by("-pk")
        .first()
    )


def _visible_call(request, pk) -> Call:
    # Also a network's joint call for the Comuni paying into it (its ranking has no names).
    return get_object_or_404(Call.visible_to(request.actor), pk=pk)


def _with_score_text(entries):
    for entry in entries:  # scores are kept in hundredths: show 12,50, not a rounded 13
        entry.score_text = format_decimal(entry.score)
        yield entry


@staff_permission("applications.view")
def ranking_page(request, pk):
    call = _visible_call(request, pk)
    rankings = {r.kind: r for r in Ranking.objects.filter(call=call)}
    shown = rankings.get(RankingKind.FINAL) or rankings.get(RankingKind.PROVISIONAL)
    page = None
    if shown is not None and shown.complete:
        entries = shown.entries.select_related("application").order_by("position")
        page = paged(request, entries, per_page=50, prepare=_with_score_text).page
    actor = request.actor
    can_manage = actor.has_perm("calls.manage", call.organization_id)
    last_failed = (
        Job.objects.filter(kind__in=JOB_KINDS, params__call=call.pk, status="failed")
        .order_by("-pk")
        .first()
    )
    context = {
        "call": call,
        "shares": _shares_section(call, shown),
        "provisional": rankings.get(RankingKind.PROVISIONAL),
        "final": rankings.get(RankingKind.FINAL),
        "shown": shown,
        "page": page,
        "job": _running_job(call),
        "last_failed": last_failed,
        "can_manage": can_manage,
        "can_appeal": can_manage or actor.has_perm("applications.instruct"),
        "pending": Application.objects.filter(call=call, status__in=PENDING).count(),
        "blockers": ranking_blockers(call) if call.status == CallStatus.CLOSED else None,
        "awards": Award.objects.filter(call=call).count(),
    }
    return render(request, "calls/ranking/page.html", context)


def _shares_section(call, ranking):
    """A joint call: each Comune's share against what the ranking funds for its residents
    and, once awarded, what they were given (the same `shares.allocate` the award checks)."""
    if ranking is None or not ranking.complete or not is_joint(call):
        return None
    allocation, agrees = ranking_allocation(ranking)
    awarded = None
    if call.status in (CallStatus.AWARDED, CallStatus.CLOSED_OUT):
        awarded = awarded_by_municipality(call)
    return {
        "rows": totals_rows(allocation.totals, awarded),
        "agrees": agrees,
        "awarded": awarded is not None,
        "redistribute": call.share_mode == ShareMode.PER_MUNICIPALITY and call.redistribute_unused,
    }


@require_POST
@staff_permission("calls.manage")
def ranking_start(request, pk, what):
    call = get_object_or_404(Call.objects, pk=pk)
    if _running_job(call) is not None:
        messages.warning(request, _("C'è già un'elaborazione in corso per questo bando."))
        return redirect("calls:ranking", pk=call.pk)
    params = {"call": call.pk, "membership": request.actor.membership.pk}
    if what == "award":
        kind, title = "calls.award", _("Assegnazione dei contributi: %(t)s")
    elif what == "final":
        kind, title = "calls.rank", _("Graduatoria definitiva: %(t)s")
        params.update(kind=RankingKind.FINAL, reason=request.POST.get("reason", "")[:300])
    else:
        kind, title = "calls.rank", _("Graduatoria provvisoria: %(t)s")
        params.update(kind=RankingKind.PROVISIONAL)
    # Check the preconditions now, so the user reads the reason here and not in a failed job.
    try:
        if kind == "calls.rank":
            check_can_rank(request.actor, call, params["kind"], params.get("reason", ""))
        elif call.status != CallStatus.RANKED or not call.final_ranking_at:
            raise ValidationError(_("Si assegna solo dopo la graduatoria definitiva."))
        if what in ("final", "award"):  # money moves: only what the user confirmed
            params["fingerprint"] = check_confirmation(
                call,
                what,
                confirmed=request.POST.get("confirmed") == "on",
                expected=request.POST.get("fingerprint", ""),
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if what in ("final", "award"):
            return redirect("calls:ranking_confirm", pk=call.pk, what=what)
        return redirect("calls:ranking", pk=call.pk)
    job = start_job(
        request.actor,
        Organization(pk=call.organization_id),
        kind,
        title % {"t": call.title},
        params,
    )
    job.refresh_from_db()  # without a broker the job has already run, inline
    if job.status == "done":
        messages.success(request, _("Elaborazione conclusa."))
    elif job.status == "failed":
        messages.error(request, _("Elaborazione non riuscita: %(m)s") % {"m": job.message})
    else:
        messages.success(request, _("Elaborazione avviata: segua l'avanzamento qui sotto."))
    return redirect("calls:ranking", pk=call.pk)


@staff_permission("applications.view")
def ranking_job_state(request, pk, job_pk):
    """Polled by the page while a job runs: asks HTMX to reload the page when it ends."""
    job = get_object_or_404(Job.objects, pk=job_pk, params__call=pk)
    response = HttpResponse(status=204)
    if job.is_finished:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@staff_permission("applications.view")
def ranking_appeal(request, pk):
    call = _visible_call(request, pk)
    protocol = request.POST.get("protocol", "").strip().upper()
    application = Application.objects.filter(call=call, protocol=protocol).first()
    if application is None:
        messages.error(request, _("Nessuna domanda di questo bando ha il protocollo indicato."))
        return redirect("calls:ranking", pk=call.pk)
    try:
        reopen_for_appeal(request.actor, application, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Ricorso registrato: la domanda %(p)s torna al convalidatore per la decisione.")
            % {"p": protocol},
        )
    return redirect("calls:ranking", pk=call.pk)


def _download(ranking: Ranking, fmt: str):
    name = f"graduatoria-{ranking.call.code}-{ranking.kind}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            ranking_csv_lines(ranking), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    response = HttpResponse(ranking_pdf(ranking), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


@staff_permission("applications.view")
def ranking_download(request, pk, kind, fmt):
    ranking = get_object_or_404(
        Ranking, call__in=Call.visible_to(request.actor), call_id=pk, kind=kind
    )
    if not ranking.complete:
        messages.error(request, _("La graduatoria è ancora in elaborazione."))
        return redirect("calls:ranking", pk=pk)
    return _download(ranking, fmt)


def public_ranking_download(request, slug, code, kind, fmt):
    """Published rankings, for anyone: the public scope of the Comune is open (middleware)."""
    call = (
        Call.objects.filter(
            code=code, status__in=[CallStatus.RANKED, CallStatus.AWARDED, CallStatus.CLOSED_OUT]
        )
        .order_by("-version")
        .first()
    )
    if call is None:
        raise Http404
    ranking = get_object_or_404(Ranking, call=call, kind=kind, complete=True)
    return _download(ranking, fmt)
