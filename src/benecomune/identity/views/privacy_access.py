"""The access log's pages: the reason asked before opening a file, and the data protection
contact's search with its CSV export."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from benecomune.core.exports import csv_response
from benecomune.core.lists import export, filter_form, filtered, paged
from benecomune.core.models import Person
from benecomune.identity import access_log
from benecomune.identity.access_forms import AccessLogFilterForm, AccessReasonForm
from benecomune.identity.access_middleware import REASONS_SESSION_KEY


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


@login_required
def access_reason(request):
    actor = request.actor
    if actor is None or actor.membership is None:
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    try:
        person_id = int(source.get("persona", ""))
    except ValueError as exc:
        raise Http404 from exc
    # Scoped: a person of another Comune is not found.
    if not Person.objects.filter(pk=person_id).exists():
        raise Http404
    next_url = _safe_next(request, source.get("next", "")) or "/gestione/anagrafe/"
    form = AccessReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reasons = request.session.get(REASONS_SESSION_KEY, {})
        reasons[str(person_id)] = form.cleaned_data["reason"]
        request.session[REASONS_SESSION_KEY] = reasons
        return redirect(next_url)
    return render(
        request,
        "identity/access_reason.html",
        {"form": form, "person_id": person_id, "next_url": next_url},
        status=400 if form.errors else 200,
    )


@login_required
def access_log_list(request):
    entries = access_log.entries_for_contact(request.actor)
    form = filter_form(request, AccessLogFilterForm)
    entries = filtered(form, entries, access_log.filter_entries)
    answer = export(
        request,
        csv=lambda: csv_response(
            access_log.CSV_HEADER, access_log.csv_rows(entries), "accessi-ai-dati.csv"
        ),
    )
    if answer is not None:
        return answer
    listing = paged(request, entries, per_page=30, form=form)
    return render(request, "identity/access_log.html", listing.context())
