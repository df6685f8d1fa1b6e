"""A service's booking rules and series, for the provider's staff (reached from the agenda
and from the service's page). Another provider's service is not found (404)."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings.agenda_forms import ScheduleForm, SeriesForm
from benecomune.bookings.models import Series, SeriesStatus, ServiceSchedule
from benecomune.bookings.services import agenda_reads as reads
from benecomune.bookings.services import agenda_schedule as services
from benecomune.core.forms_helpers import add_errors
from benecomune.marketplace.models import Service
from benecomune.marketplace.views.common import provider_page

PREVIEW_DAYS = datetime.timedelta(days=6)
DEFAULTS = {
    "capacity": 1,
    "step_minutes": 30,
    "buffer_before_minutes": 0,
    "buffer_after_minutes": 0,
    "min_notice_hours": 24,
    "window_days": 90,
    **services.POLICY_DEFAULTS,
}


def _own_service(provider, pk) -> Service:
    service = Service.objects.filter(provider=provider, pk=pk).first()
    if service is None:
        raise Http404
    return service


def _initial(service, schedule) -> dict:
    if schedule is None:
        return {**DEFAULTS, "duration_minutes": service.duration_minutes or 60}
    initial = {field: getattr(schedule, field) for field in services.SCHEDULE_FIELDS[:-1]}
    initial["resources"] = services.resource_ids_of(schedule)
    return initial


def _page(request, provider, service, *, form=None, series_form=None):
    schedule = ServiceSchedule.objects.filter(service=service).first()
    series = Series.objects.filter(service=service).select_related("resource")
    preview = []
    if schedule is not None:
        first, _last = reads.bookable_range(schedule)
        preview = reads.available_slots(schedule, first, first + PREVIEW_DAYS)
    return render(
        request,
        "bookings/agenda_schedule.html",
        {
            "provider": provider,
            "service": service,
            "schedule": schedule,
            "form": form or ScheduleForm(initial=_initial(service, schedule), provider=provider),
            "series_form": series_form or SeriesForm(provider=provider),
            "series": [(row, reads.sessions_of(row)) for row in series],
            "active": SeriesStatus.ACTIVE,
            "preview": preview,
            "network": provider.network,
        },
    )


@provider_page
def schedule(request, provider, pk):
    service = _own_service(provider, pk)
    if request.method != "POST":
        return _page(request, provider, service)
    form = ScheduleForm(request.POST, provider=provider)
    if form.is_valid():
        try:
            services.set_schedule(request.actor, service, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Regole di prenotazione salvate."))
            return redirect("bookings:schedule", pk=service.pk)
    return _page(request, provider, service, form=form)


@require_POST
@provider_page
def series_add(request, provider, pk):
    service = _own_service(provider, pk)
    form = SeriesForm(request.POST, provider=provider)
    if form.is_valid():
        try:
            services.create_series(request.actor, service, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Serie creata."))
            return redirect("bookings:schedule", pk=service.pk)
    return _page(request, provider, service, series_form=form)


@require_POST
@provider_page
def series_cancel(request, provider, pk):
    series = Series.objects.filter(provider=provider, pk=pk).first()
    if series is None:
        raise Http404
    try:
        services.cancel_series(request.actor, series)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Serie annullata."))
    return redirect("bookings:schedule", pk=series.service_id)
