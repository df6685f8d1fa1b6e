"""The confirmation step of the ranking page's money-moving buttons: "Rendi definitiva" and
"Assegna i contributi" lead here (a full page, or a panel loaded by HTMX into the ranking
page) with the summary of what will happen; the form posts to `ranking_start` with the
summary's fingerprint and the explicit "Ho verificato il riepilogo"."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from benecomune.calls.models import Call, CallStatus
from benecomune.calls.services.confirm import summarise_award, summarise_final
from benecomune.core.views.decorators import staff_permission

WHATS = ("final", "award")


@staff_permission("calls.manage")
def ranking_confirm(request, pk, what):
    if what not in WHATS:
        raise Http404
    call = get_object_or_404(Call.objects, pk=pk)
    if what == "final":
        if call.status != CallStatus.RANKED or call.final_ranking_at:
            return redirect("calls:ranking", pk=call.pk)
        summary = summarise_final(call)
    else:
        summary = summarise_award(call) if call.status == CallStatus.RANKED else None
        if summary is None:
            return redirect("calls:ranking", pk=call.pk)
    context = {"call": call, "what": what, "summary": summary}
    template = "calls/ranking/_confirm.html" if request.htmx else "calls/ranking/confirm.html"
    return render(request, template, context)
