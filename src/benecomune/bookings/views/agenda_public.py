"""The public calendar of a service's available slots, under the Comune's catalogue: a week at
a time (previous / next links), each day a heading with its times as links. Choosing a time
checks it and says in Italian why it cannot be booked (past, notice, window, the summer-time
gap, taken). Only services the catalogue shows publicly are reachable (else 404)."""

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from benecomune.bookings.services import agenda_reads as reads
from benecomune.bookings.services.agenda import local_now
from benecomune.core.views.public import public_organization
from benecomune.marketplace.services import public_catalogue

WEEK = datetime.timedelta(days=7)


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _time(value: str | None) -> datetime.time | None:
    try:
        return datetime.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _week_start(request, first, last, notes) -> datetime.date:
    raw = request.GET.get("dal")
    start = _date(raw)
    if raw and start is None:
        notes.append(_("La data indicata non è valida: ecco le prime date disponibili."))
    if start is None:
        return first
    if start < first:
        notes.append(
            _("Le date prima del %(day)s non si possono prenotare: ecco le prime disponibili.")
            % {"day": date_format(first, "j F Y")}
        )
        return first
    if start > last:
        notes.append(
            _("Si può prenotare al massimo fino al %(day)s: ecco gli ultimi giorni disponibili.")
            % {"day": date_format(last, "j F Y")}
        )
        return max(first, last - datetime.timedelta(days=6))
    return start


def _choice(request, schedule):
    """(chosen slot, its error messages) from ?giorno=&ora=, or (None, [])."""
    raw_day, raw_time = request.GET.get("giorno"), request.GET.get("ora")
    if not raw_day and not raw_time:
        return None, []
    day, time = _date(raw_day), _time(raw_time)
    if day is None or time is None:
        return None, [
            _("Il giorno o l'orario indicati non sono validi: ne scelga uno dall'elenco.")
        ]
    try:
        return reads.choose_slot(schedule, day, time), []
    except ValidationError as exc:
        return None, exc.messages


@require_GET
def service_slots(request, slug, pk):
    org = public_organization(slug)
    service = public_catalogue.public_service(org, pk)
    if service is None:
        raise Http404
    schedule = reads.schedule_of(service)
    series = reads.open_series(service, local_now().date())
    if schedule is None and not series:
        raise Http404
    context = {
        "organization": org.specific,
        "service": service,
        "provider": service.provider,
        "schedule": schedule,
        "series": series,
    }
    if schedule is not None:
        notes: list[str] = []
        first, last = reads.bookable_range(schedule)
        start = _week_start(request, first, last, notes)
        end = min(start + datetime.timedelta(days=6), last)
        slots = reads.available_slots(schedule, start, end) if start <= end else []
        chosen, choice_errors = _choice(request, schedule)
        context.update(
            notes=notes,
            start=start,
            end=end,
            days=reads.by_day(slots, start, max((end - start).days + 1, 0)),
            previous=max(first, start - WEEK) if start > first else None,
            next=start + WEEK if start + WEEK <= last else None,
            last=last,
            chosen=chosen,
            choice_errors=choice_errors,
        )
    return render(request, "bookings/slots.html", context)
