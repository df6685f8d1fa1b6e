"""The provider's agenda pages ("Agenda"): its resources, a resource's working week and
blocked periods, the exceptions on dates. Another provider's rows are not found (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings.agenda_forms import (
    BlockedPeriodForm,
    ExceptionForm,
    NewResourceForm,
    ResourceForm,
    WorkingWeekForm,
)
from benecomune.bookings.models import (
    AgendaException,
    BlockedPeriod,
    Resource,
    ServiceSchedule,
    WorkingHours,
)
from benecomune.bookings.services import agenda as services
from benecomune.core.forms_helpers import add_errors
from benecomune.marketplace.models import Service, ServiceStatus, Weekday
from benecomune.marketplace.services.districts import DayHours
from benecomune.marketplace.views.common import provider_page


def own_resource(provider, pk) -> Resource:
    resource = Resource.objects.filter(provider=provider, pk=pk).first()
    if resource is None:
        raise Http404
    return resource


@provider_page
def agenda_home(request, provider):
    """Resources, the bookable services and a new resource's form."""
    form = NewResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.create_resource(request.actor, provider, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Risorsa creata: ora indichi i suoi orari di lavoro."))
            return redirect("bookings:resource", pk=resource.pk)
    schedules = {s.service_id: s for s in ServiceSchedule.objects.filter(provider=provider)}
    service_rows = [
        (service, schedules.get(service.pk))
        for service in Service.objects.filter(provider=provider)
        .exclude(status=ServiceStatus.ARCHIVED)
        .order_by("title", "pk")
    ]
    return render(
        request,
        "bookings/agenda_home.html",
        {
            "provider": provider,
            "resources": Resource.objects.filter(provider=provider),
            "services": service_rows,
            "form": form,
        },
    )


def _week(resource) -> list[DayHours]:
    rows = WorkingHours.objects.filter(resource=resource).order_by("weekday", "starts_at")
    days: dict[int, list] = {}
    for row in rows:
        days.setdefault(row.weekday, []).append((row.starts_at, row.ends_at))
    return [
        DayHours(weekday, str(Weekday(weekday).label), slots)
        for weekday, slots in sorted(days.items())
    ]


def _resource_page(request, provider, resource, *, form=None, week_form=None, blocked_form=None):
    return render(
        request,
        "bookings/agenda_resource.html",
        {
            "provider": provider,
            "resource": resource,
            "form": form
            or ResourceForm(
                initial={"name": resource.name, "kind": resource.kind, "active": resource.active}
            ),
            "week_form": week_form or WorkingWeekForm(week=_week(resource)),
            "blocked_form": blocked_form or BlockedPeriodForm(),
            "blocked": BlockedPeriod.objects.filter(resource=resource, ends_at__gt=timezone.now()),
        },
    )


@provider_page
def resource_detail(request, provider, pk):
    resource = own_resource(provider, pk)
    form = ResourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_resource(request.actor, resource, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Risorsa salvata."))
            return redirect("bookings:resource", pk=resource.pk)
    return _resource_page(
        request, provider, resource, form=form if request.method == "POST" else None
    )


@require_POST
@provider_page
def resource_week(request, provider, pk):
    resource = own_resource(provider, pk)
    form = WorkingWeekForm(request.POST, week=_week(resource))
    if form.is_valid():
        try:
            services.set_working_hours(request.actor, resource, form.slots())
        except ValidationError as exc:
            add_errors(form, exc, on_fields=False)
        else:
            messages.success(request, _("Orari di lavoro salvati."))
            return redirect("bookings:resource", pk=resource.pk)
    return _resource_page(request, provider, resource, week_form=form)


@require_POST
@provider_page
def blocked_add(request, provider, pk):
    resource = own_resource(provider, pk)
    form = BlockedPeriodForm(request.POST)
    if form.is_valid():
        try:
            services.add_blocked_period(request.actor, resource, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Periodo bloccato aggiunto."))
            return redirect("bookings:resource", pk=resource.pk)
    return _resource_page(request, provider, resource, blocked_form=form)


@require_POST
@provider_page
def blocked_remove(request, provider, pk):
    period = BlockedPeriod.objects.filter(provider=provider, pk=pk).first()
    if period is None:
        raise Http404
    services.remove_blocked_period(request.actor, period)
    messages.success(request, _("Periodo bloccato tolto."))
    return redirect("bookings:resource", pk=period.resource_id)


@provider_page
def exceptions(request, provider):
    form = ExceptionForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_exception(request.actor, provider, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Eccezione aggiunta."))
            return redirect("bookings:exceptions")
    return render(
        request,
        "bookings/agenda_exceptions.html",
        {
            "provider": provider,
            "form": form,
            "exceptions": AgendaException.objects.filter(
                provider=provider, date__gte=services.local_now().date()
            ).select_related("resource"),
        },
    )


@require_POST
@provider_page
def exception_remove(request, provider, pk):
    exception = AgendaException.objects.filter(provider=provider, pk=pk).first()
    if exception is None:
        raise Http404
    services.remove_exception(request.actor, exception)
    messages.success(request, _("Eccezione tolta."))
    return redirect("bookings:exceptions")
