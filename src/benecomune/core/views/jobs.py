"""Progress of a background job: a page whose bar refreshes itself through HTMX."""

from django.shortcuts import get_object_or_404, render

from benecomune.core.models import Job
from benecomune.core.views.decorators import staff_permission


@staff_permission("jobs.view")
def job_detail(request, pk):
    job = get_object_or_404(Job.objects, pk=pk)
    template = "core/jobs/_progress.html" if request.htmx else "core/jobs/detail.html"
    return render(request, template, {"job": job})
