"""Public open-data pages: the list of datasets, each dataset as CSV, the DCAT-AP_IT catalogue.
Everything here is aggregated and suppressed (services/datasets.py): no login, no scope.
Reports: read from the replica when one is configured (`core/replica.py`)."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from benecomune.core.replica import reports_view
from benecomune.observatory.freshness import catch_up_without_scheduler
from benecomune.observatory.services import catalogue, datasets
from benecomune.observatory.services.suppression import min_cell, min_merchants


def _base(request) -> str:
    return request.build_absolute_uri("/")


@require_GET
@catch_up_without_scheduler
@reports_view
def open_data(request):
    return render(
        request,
        "observatory/open_data.html",
        {
            "datasets": list(datasets.DATASETS.values()),
            "k": min_cell(),
            "k_merchants": min_merchants(),
            "modified": datasets.modified(),
            "licence_url": catalogue.CC_BY_4,
        },
    )


@require_GET
@catch_up_without_scheduler
@reports_view
def dataset_csv(request, slug):
    dataset = datasets.DATASETS.get(slug)
    if dataset is None:
        raise Http404
    response = HttpResponse(datasets.as_csv(dataset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{slug}.csv"'
    return response


@require_GET
@catch_up_without_scheduler
@reports_view
def catalogue_ttl(request):
    return HttpResponse(catalogue.turtle(_base(request)), content_type="text/turtle; charset=utf-8")


@require_GET
@catch_up_without_scheduler
@reports_view
def catalogue_jsonld(request):
    return HttpResponse(
        catalogue.json_ld(_base(request)), content_type="application/ld+json; charset=utf-8"
    )
