"""Appointments at a Welfare Point: the citizen books from the public list of Points and sees
them in their area; the Point's operators see the day's appointments, book for a person,
cancel, and mark them done or missed; the Point's admin sets the hours (the closures have
their own page: views/appointment_closures.py)."""

import datetime
import itertools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.identifiers import parse_fiscal_code
from benecomune.core.views.decorators import citizen_required
from benecomune.desk import person_reads
from benecomune.desk.appointment_forms import (
    AppointmentSettingsForm,
    BookAppointmentForm,
    CancelForm,
    OperatorBookForm,
)
from benecomune.desk.models import Appointment, AppointmentStatus, WelfarePoint
from benecomune.desk.services import appointments as services
from benecomune.desk.views.common import citizen_actor, operator_page, points_admin_page
from benecomune.desk.views.points import managed_point

SHOWN_DAYS = 10  # a short list for the person; the window may be longer


def _first_days(slots, days=SHOWN_DAYS):
    grouped = itertools.groupby(slots, key=lambda s: s.local_start.date())
    return [slot for _day, group in itertools.islice(grouped, days) for slot in group]


def _bookable_point(pk) -> WelfarePoint:
    return get_object_or_404(person_reads.bookable_points(), pk=pk)


def _explain_closed_slot(form, point: WelfarePoint) -> None:
    """A chosen slot no longer offered because the Point has closed it meanwhile: say so
    (with the closure's days and reason) instead of "no longer free"."""
    if "slot" not in form.errors:
        return
    try:
        start = datetime.datetime.fromisoformat(form.data.get("slot", ""))
    except ValueError:
        return
    if start.tzinfo is None:
        return
    length = datetime.timedelta(minutes=point.appointment_minutes)
    closure = services.closure_at(point, start, start + length)
    if closure is not None:
        form.errors["slot"] = form.error_class([services.closed_message(closure)])


# --- The citizen -----------------------------------------------------------------------------


@citizen_required
def book(request, pk):
    point = _bookable_point(pk)
    slots = _first_days(services.available_slots(point))
    form = BookAppointmentForm(request.POST or None, slots=slots)
    if request.method == "POST" and form.is_valid():
        starts_at = form.slots[form.cleaned_data["slot"]].start
        try:
            services.book(
                citizen_actor(request),
                point,
                request.user.person,
                starts_at,
                form.cleaned_data["topic"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Appuntamento prenotato."))
            return redirect("desk:my_appointments")
    _explain_closed_slot(form, point)
    window_end = timezone.localdate() + datetime.timedelta(days=point.appointment_window_days)
    return render(
        request,
        "desk/appointments/book.html",
        {
            "point": point,
            "form": form,
            "closures": services.upcoming_closures(point, until=window_end, affected=False),
        },
        status=400 if form.errors else 200,
    )


@citizen_required
def my_appointments(request):
    rows = list(person_reads.appointments_of(request.user.person))
    now = timezone.now()
    upcoming = [a for a in rows if a.status == AppointmentStatus.BOOKED and a.starts_at > now]
    return render(
        request,
        "desk/appointments/mine.html",
        {"upcoming": upcoming[::-1], "past": [a for a in rows if a not in upcoming]},
    )


@citizen_required
@require_POST
def my_appointment_cancel(request, pk):
    appointment = person_reads.own_appointment(request.user.person, pk)
    if appointment is None:
        raise Http404
    try:
        services.cancel(citizen_actor(request), appointment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Appuntamento annullato."))
    return redirect("desk:my_appointments")


# --- The Point's operators ---------------------------------------------------------------------


@operator_page
def agenda(request, points):
    point_pk = request.GET.get("punto") or (points[0].pk if points else None)
    point = next((p for p in points if str(p.pk) == str(point_pk)), None)
    if point is None:
        raise Http404
    today = timezone.localdate()
    rows = list(person_reads.agenda_from(point, today))
    closures = services.upcoming_closures(point)
    closed = {a.pk: c for c in closures for a in c.affected}
    for row in rows:
        row.closure = closed.get(row.pk)
    slots = _first_days(services.available_slots(point))
    initial = {"fiscal_code": request.GET.get("cf", "")[:16]}  # from a case page
    form = OperatorBookForm(request.POST or None, slots=slots, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            code = parse_fiscal_code(form.cleaned_data["fiscal_code"]).code
        except ValidationError as exc:
            code = None
            form.add_error("fiscal_code", exc.messages)
        person = person_reads.person_by_fiscal_code(code) if code else None
        if code and person is None:
            form.add_error(
                "fiscal_code",
                _("Nessuna persona con questo codice fiscale: la registri aprendo un caso."),
            )
        elif person is not None:
            try:
                services.book(
                    request.actor,
                    point,
                    person,
                    form.slots[form.cleaned_data["slot"]].start,
                    form.cleaned_data["topic"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("Appuntamento prenotato per %(name)s.") % {"name": person.full_name}
                )
                return redirect(f"{request.path}?punto={point.pk}")
    _explain_closed_slot(form, point)
    return render(
        request,
        "desk/appointments/agenda.html",
        {
            "point": point,
            "points": points,
            "rows": rows,
            "closures": closures,
            "form": form,
            "cancel_form": CancelForm(),
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


def _operator_appointment(request, points, pk) -> Appointment:
    appointment = person_reads.point_appointment(points, pk)
    if appointment is None:
        raise Http404
    return appointment


@operator_page
@require_POST
def appointment_action(request, points, pk, action):
    appointment = _operator_appointment(request, points, pk)
    try:
        if action == "annulla":
            services.cancel(request.actor, appointment, reason=request.POST.get("reason", ""))
            messages.success(request, _("Appuntamento annullato: la persona è stata avvisata."))
        elif action in ("svolto", "assente"):
            services.close(request.actor, appointment, attended=action == "svolto")
            messages.success(request, _("Esito registrato."))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied:
        raise Http404 from None
    return redirect(f"{_agenda_url()}?punto={appointment.point_id}")


def _agenda_url() -> str:
    return reverse("desk:appointments")


# --- The Point's admin -----------------------------------------------------------------------


@points_admin_page
def settings(request, organization, pk):
    point = managed_point(request, pk)
    hours = person_reads.hours_of(point)
    initial = {
        "enabled": point.appointments_enabled,
        "minutes": point.appointment_minutes,
        "desks": point.appointment_desks,
        "notice_hours": point.appointment_notice_hours,
        "window_days": point.appointment_window_days,
    }
    form = AppointmentSettingsForm(request.POST or None, initial=initial, hours=hours)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.set_appointments(
                request.actor,
                point,
                enabled=data["enabled"],
                minutes=data["minutes"],
                desks=data["desks"],
                notice_hours=data["notice_hours"],
                window_days=data["window_days"],
                hours=data["hours"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Appuntamenti del Punto salvati."))
            return redirect("desk:point", pk=point.pk)
    return render(
        request,
        "desk/appointments/settings.html",
        {"point": point, "form": form, "closures": services.upcoming_closures(point)},
        status=400 if form.errors else 200,
    )
