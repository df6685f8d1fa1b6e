"""The Comune's retention page: periods per category, dry run and run (background jobs), the
register of what was purged."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.core.services.jobs import start_job
from benecomune.core.views.decorators import staff_permission
from benecomune.identity import retention
from benecomune.identity.models import PurgeRecord, RetentionRun
from benecomune.identity.retention_forms import RetentionPeriodsForm
from benecomune.identity.retention_jobs import KIND


def _comune(actor):
    organization = actor.organization
    if organization is None or organization.kind != "municipality":
        raise PermissionDenied
    return organization


@staff_permission("privacy.manage")
def retention_page(request):
    comune = _comune(request.actor)
    form = RetentionPeriodsForm(request.POST or None, years=retention.years_for(comune.pk))
    if request.method == "POST" and form.is_valid():
        try:
            retention.set_periods(request.actor, comune, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Periodi di conservazione salvati."))
            return redirect("identity:retention")
    runs = RetentionRun.objects.filter(organization=comune)[:10]
    listing = paged(request, PurgeRecord.objects.filter(organization=comune), per_page=30)
    return render(
        request,
        "identity/privacy_retention.html",
        {
            **listing.context(),
            "form": form,
            "runs": runs,
            "has_dry_run": any(run.dry_run for run in runs)
            or RetentionRun.objects.filter(organization=comune, dry_run=True).exists(),
        },
        status=400 if form.errors else 200,
    )


@staff_permission("privacy.manage")
def retention_start(request):
    if request.method != "POST":
        return redirect("identity:retention")
    comune = _comune(request.actor)
    dry_run = request.POST.get("mode") != "run"
    if not dry_run and not RetentionRun.objects.filter(organization=comune, dry_run=True).exists():
        messages.error(
            request,
            _("Prima della prima esecuzione faccia una simulazione e ne controlli il resoconto."),
        )
        return redirect("identity:retention")
    title = (
        _("Conservazione dei dati: simulazione")
        if dry_run
        else _("Conservazione dei dati: esecuzione")
    )
    job = start_job(request.actor, comune, KIND, title, {"dry_run": dry_run})
    return redirect("core:job", pk=job.pk)
