"""Progress of a background job: a page whose bar refreshes itself through HTMX, with links
back to where the job was started and, once done, to its result (core/jobs.py links_for)."""

from django.shortcuts import get_object_or_404, render

from benecomune.core.files import file_url
from benecomune.core.jobs import job_result_for, links_for
from benecomune.core.models import Job
from benecomune.core.views.decorators import staff_permission


@staff_permission("jobs.view")
def job_detail(request, pk):
    job = get_object_or_404(Job.objects, pk=pk)
    template = "core/jobs/_progress.html" if request.htmx else "core/jobs/detail.html"
    # The result is linked through the checked file view, and only for whom it may serve.
    download_url = file_url("job-result", job.pk) if job_result_for(request.actor, pk) else ""
    origin, result = links_for(job)
    return render(
        request,
        template,
        {
            "job": job,
            "job_download_url": download_url,
            "job_origin": origin,
            "job_result": result,
        },
    )
