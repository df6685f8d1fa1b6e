"""Payout batches: prepare (payouts.manage), approve or withdraw (payouts.approve, another
person), download the bank files and the treasurer's list, upload the bank's outcomes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from benecomune.core.files import STAFF, serve
from benecomune.core.lists import choice, paged
from benecomune.core.models import Job
from benecomune.core.services.jobs import start_job
from benecomune.core.views.decorators import staff_permission
from benecomune.payouts.forms import PrepareBatchForm, ReasonForm, ResultsUploadForm
from benecomune.payouts.models import BankReport, BatchItem, BatchStatus, ItemStatus, PayoutBatch
from benecomune.payouts.services import batches as services
from benecomune.payouts.services.actors import job_params
from benecomune.payouts.services.batch_confirm import summarise_batch
from benecomune.payouts.services.results import import_results
from benecomune.payouts.views.common import add_errors


def _may_see(actor) -> bool:
    return actor is not None and (
        actor.has_perm("payouts.manage") or actor.has_perm("payouts.approve")
    )


def batch_view(view):
    """Both the maker (payouts.manage) and the checker (payouts.approve) see batches."""

    @staff_permission("jobs.view")
    def wrapper(request, *args, **kwargs):
        if not _may_see(request.actor):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    return wrapper


@batch_view
def batch_list(request):
    listing = paged(request, PayoutBatch.objects.order_by("-prepared_at", "-pk"), per_page=25)
    return render(
        request,
        "payouts/batches/list.html",
        {**listing.context(), "can_prepare": request.actor.has_perm("payouts.manage")},
    )


@staff_permission("payouts.manage")
def batch_prepare(request):
    form = PrepareBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.prepare_batch(
                request.actor,
                request.actor.organization,
                execution_date=form.cleaned_data["execution_date"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("payouts:batch", pk=batch.pk)
    return render(request, "payouts/batches/prepare.html", {"form": form})


@batch_view
def batch_detail(request, pk):
    batch = get_object_or_404(
        PayoutBatch.objects.select_related("prepared_by", "approved_by"), pk=pk
    )
    items = BatchItem.objects.filter(batch=batch).select_related("order").order_by("pk")
    status = choice(request, "stato", ItemStatus)
    if status:
        items = items.filter(status=status)
    actor = request.actor
    # Payments to the viewer's own household: shown as a warning; they cannot approve.
    own_items = list(services.own_household_items(actor, batch)[:20])
    context = {
        "batch": batch,
        "own_items": own_items,
        "summary": services.batch_summary(batch),
        **paged(request, items, per_page=50).context(),
        "status": status,
        "statuses": list(ItemStatus),
        "job": batch.job,
        "reports": BankReport.objects.filter(batch=batch).order_by("-uploaded_at"),
        "can_manage": actor.has_perm("payouts.manage", batch.organization_id),
        "can_approve": actor.has_perm("payouts.approve", batch.organization_id)
        and (actor.user is None or actor.user.pk != batch.prepared_by_id)
        and not own_items,
        "is_maker": actor.user is not None and actor.user.pk == batch.prepared_by_id,
        "upload_form": ResultsUploadForm(),
        "reason_form": ReasonForm(),
        "legacy_scheme": services.legacy_scheme(batch),
    }
    return render(request, "payouts/batches/detail.html", context)


@staff_permission("payouts.approve")
@require_http_methods(["GET", "POST"])
def batch_approve(request, pk):
    """GET: the summary to confirm (a page, or a panel of the batch page with HTMX).
    POST: the approval, only with "Ho verificato il riepilogo" and the summary's fingerprint."""
    batch = get_object_or_404(PayoutBatch.objects, pk=pk)
    if request.method == "GET":
        if batch.status != BatchStatus.READY:
            return redirect("payouts:batch", pk=batch.pk)
        context = {
            "batch": batch,
            "summary": summarise_batch(request.actor, batch),
            "is_maker": request.actor.user is not None
            and request.actor.user.pk == batch.prepared_by_id,
        }
        template = "payouts/batches/_approve_confirm.html"
        return render(
            request, template if request.htmx else "payouts/batches/approve_confirm.html", context
        )
    try:
        services.approve_batch(
            request.actor,
            batch,
            confirmed=request.POST.get("confirmed") == "on",
            expected_fingerprint=request.POST.get("fingerprint", ""),
        )
    except ValidationError as exc:
        # Not confirmed, or the payments changed: the summary again, as it is now.
        messages.error(request, " ".join(exc.messages))
        return redirect("payouts:batch_approve", pk=batch.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Distinta approvata: il bonifico unico dell'ente è registrato e i file sono pronti."),
        )
    return redirect("payouts:batch", pk=batch.pk)


@batch_view
@require_POST
def batch_withdraw(request, pk):
    batch = get_object_or_404(PayoutBatch.objects, pk=pk)
    try:
        services.withdraw_batch(request.actor, batch, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Distinta ritirata: i pagamenti tornano da mettere in distinta.")
        )
    return redirect("payouts:batch", pk=batch.pk)


@staff_permission("payouts.manage")
@require_POST
def batch_resume(request, pk):
    batch = get_object_or_404(PayoutBatch.objects, pk=pk)
    try:
        job = services.start_generation(request.actor, batch)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("payouts:batch", pk=batch.pk)
    return redirect("core:job", pk=job.pk)


@staff_permission("payouts.manage")
def batch_file(request, pk, variant):
    batch = get_object_or_404(PayoutBatch.objects, pk=pk)
    if batch.status not in (BatchStatus.APPROVED, BatchStatus.CLOSED):
        messages.error(request, _("I file per la banca si scaricano dopo l'approvazione."))
        return redirect("payouts:batch", pk=batch.pk)
    # The download is checked and audited by the file kind (payouts/files.py).
    kind = "payout-file" if variant == "sepa" else "payout-file-legacy"
    return serve(request, kind, batch.pk, STAFF)


@staff_permission("payouts.manage")
@require_POST
def batch_list_export(request, pk, fmt):
    batch = get_object_or_404(PayoutBatch.objects, pk=pk)
    if batch.status not in (BatchStatus.APPROVED, BatchStatus.CLOSED) or fmt not in ("csv", "xlsx"):
        messages.error(request, _("L'elenco per il tesoriere si prepara dopo l'approvazione."))
        return redirect("payouts:batch", pk=batch.pk)
    job = start_job(
        request.actor,
        batch.organization,
        "payouts.beneficiary_list",
        _("Elenco dei beneficiari della distinta n. %(number)s (%(fmt)s)")
        % {"number": batch.display_number, "fmt": fmt.upper()},
        job_params(request.actor, batch_id=batch.pk, format=fmt),
    )
    return redirect("core:job", pk=job.pk)


@staff_permission("payouts.manage")
@require_POST
def batch_results(request, pk):
    batch = get_object_or_404(PayoutBatch.objects, pk=pk)
    form = ResultsUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_results(request.actor, batch, data=upload.read(), filename=upload.name)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            job = Job.objects.filter(pk=report.job_id).first()
            messages.success(request, _("Esiti caricati: li stiamo registrando."))
            if job is not None and not job.is_finished:
                return redirect("core:job", pk=job.pk)
            return redirect("payouts:batch", pk=batch.pk)
    for error in form.errors.get("__all__", []) + form.errors.get("file", []):
        messages.error(request, error)
    return redirect("payouts:batch", pk=batch.pk)
