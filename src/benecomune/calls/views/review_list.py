"""The Comune's list of applications to review: filters, search, CSV export, bulk decisions.
Queries go through the scoped managers: only the active role's Comuni are ever seen."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benecomune.calls.forms.review import BulkDecisionForm, ReviewFilterForm
from benecomune.calls.models import (
    Application,
    ApplicationMember,
    ApplicationStatus,
    Call,
    ClarificationRequest,
    ClarificationStatus,
)
from benecomune.calls.services.review import start_bulk_decision
from benecomune.core import audit
from benecomune.core.exports import csv_lines, streaming_csv_response
from benecomune.core.lists import filter_form, paged
from benecomune.core.models import Job, Role
from benecomune.core.scoping import tenant_scope
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.money import format_decimal

PAGE_SIZE = 25
REFUSALS_SHOWN = 20
# What each role works on first when it opens the list.
DEFAULT_STATUS = {
    Role.DESK_OPERATOR: ApplicationStatus.SUBMITTED,
    Role.VALIDATOR: ApplicationStatus.INSTRUCTED,
}


def _base():
    return Application.objects.exclude(status=ApplicationStatus.DRAFT)


def _calls():
    call_ids = _base().values("call_id")
    # A network's joint call belongs to the network: list it by id, not by the scope.
    return Call.objects_unscoped.filter(pk__in=call_ids).order_by("-opens_at")


def _list_form(request):
    """The list's filters from the query string; with none given, the role's usual status."""
    return filter_form(
        request,
        ReviewFilterForm,
        initial={"status": DEFAULT_STATUS.get(request.actor.role, "")},
        calls=_calls(),
    )


def filtered_applications(form):
    """The applications matching a valid ReviewFilterForm, oldest submission first."""
    applications = _base()
    if not form.is_valid():
        return applications.none()
    data = form.cleaned_data
    if data.get("call"):
        applications = applications.filter(call_id=data["call"])
    if data.get("status"):
        applications = applications.filter(status=data["status"])
    if data.get("mismatch"):
        applications = applications.filter(checks_mismatch=True)
    query = (data.get("q") or "").strip()
    if query:
        code = query.replace(" ", "").upper()
        match = (
            Q(protocol__iexact=query)
            | Q(protocol__icontains=query)
            | Q(applicant__fiscal_code=code)
            | Exists(ApplicationMember.objects.filter(application=OuterRef("pk"), fiscal_code=code))
        )
        names = Q()
        for word in query.split():
            names &= Q(applicant__last_name__icontains=word) | Q(
                applicant__first_name__icontains=word
            )
        applications = applications.filter(match | names)
    return applications.order_by("submitted_at", "pk")


@staff_permission("applications.view")
def review_list(request):
    form = _list_form(request)
    applications = (
        filtered_applications(form)
        .select_related("call", "applicant", "instructed_by")
        .annotate(
            answered=Exists(
                ClarificationRequest.objects.filter(
                    application=OuterRef("pk"), status=ClarificationStatus.ANSWERED
                )
            )
        )
    )
    # Invalid filters show nothing (filtered_applications): the export and "all matching"
    # bulk decisions act on the same rows.
    listing = paged(request, applications, per_page=PAGE_SIZE, form=form)
    context = {
        **listing.context(),
        "can_decide": request.actor.has_perm("applications.decide"),
        "bulk_form": BulkDecisionForm(),
        "instructed": ApplicationStatus.INSTRUCTED,
    }
    template = "calls/review/_results.html" if request.htmx else "calls/review/list.html"
    return render(request, template, context)


def _csv_rows(applications, tenant_ids):
    # The response streams after the middleware's scope has closed: open it again here.
    with tenant_scope(tenant_ids):
        yield from csv_lines(_csv_header(), _csv_values(applications))


def _csv_header() -> list[str]:
    return [
        _("protocollo"),
        _("bando"),
        _("stato"),
        _("richiedente"),
        _("codice fiscale"),
        _("Comune"),
        _("presentata il"),
        _("ISEE dichiarato"),
        _("requisiti"),
        _("importo"),
        _("punteggio"),
        _("difformità"),
        _("istruita da"),
        _("decisa da"),
        _("motivazione"),
    ]


def _csv_values(applications):
    for a in applications.iterator(chunk_size=2000):
        yield [
            a.protocol or "",
            str(a.call),
            a.get_status_display(),
            a.applicant.full_name,
            a.applicant.fiscal_code,
            a.organization.name,
            timezone.localtime(a.submitted_at).strftime("%d/%m/%Y %H:%M") if a.submitted_at else "",
            format_decimal(a.isee_value) if a.isee_value is not None else "",
            {True: _("sì"), False: _("no")}.get(a.eligible, ""),
            format_decimal(a.amount),
            format_decimal(a.score),
            _("sì") if a.checks_mismatch else _("no"),
            a.instructed_by.full_name if a.instructed_by else "",
            a.decided_by.full_name if a.decided_by else "",
            a.decision_reason,
        ]


@staff_permission("applications.view")
def review_export(request):
    """Streamed CSV of the applications matching the list's filters (no job: rows flow out as
    they are read, so memory stays flat). The export itself is audited: it carries personal
    data."""
    form = _list_form(request)
    applications = filtered_applications(form).select_related(
        "call", "applicant", "organization", "instructed_by", "decided_by"
    )
    with transaction.atomic():
        audit.record(
            request.actor,
            "calls.applications_exported",
            None,
            after={"filters": dict(form.data.items())},
        )
    stamp = timezone.localdate().isoformat()
    return streaming_csv_response(
        _csv_rows(applications, request.actor.tenant_ids), f"domande-{stamp}.csv"
    )


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)
    return redirect("calls:review_list")


@require_POST
@staff_permission("applications.decide")
def review_bulk(request):
    form = BulkDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scelga se ammettere o respingere le domande selezionate."))
        return _back(request)
    if form.cleaned_data["all_matching"]:
        # Every instructed application matching the list's filters, not only this page.
        filters = ReviewFilterForm(request.POST, calls=_calls())
        ids = list(
            filtered_applications(filters)
            .filter(status=ApplicationStatus.INSTRUCTED)
            .values_list("pk", flat=True)
        )
    else:
        ids = request.POST.getlist("ids")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        result, job = start_bulk_decision(request.actor, ids, approve, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request)
    if job is not None:
        return redirect("calls:review_bulk_job", pk=job.pk)
    _report(request, result)
    return _back(request)


def _report(request, result):
    decided, refused = result["decided"], result["refused"]
    if decided:
        messages.success(
            request,
            ngettext("Decisa %(n)s domanda.", "Decise %(n)s domande.", decided) % {"n": decided},
        )
    if refused:
        lines = [f"{r['protocol'] or r['id']}: {r['message']}" for r in refused[:REFUSALS_SHOWN]]
        more = len(refused) - REFUSALS_SHOWN
        if more > 0:
            lines.append(_("…e altre %(n)s.") % {"n": more})
        messages.warning(
            request,
            ngettext(
                "%(n)s domanda non decisa: %(list)s",
                "%(n)s domande non decise: %(list)s",
                len(refused),
            )
            % {"n": len(refused), "list": " · ".join(lines)},
        )


@staff_permission("applications.decide")
def review_bulk_job(request, pk):
    """Progress of a bulk decision running in the background, then its refusals."""
    job = get_object_or_404(Job.objects, pk=pk, kind="calls.bulk_decide")
    template = "calls/review/_bulk_job.html" if request.htmx else "calls/review/bulk_job.html"
    return render(
        request,
        template,
        {
            "job": job,
            "refused": job.result.get("refused", []) if job.is_finished else [],
            "list_url": reverse("calls:review_list"),
        },
    )
