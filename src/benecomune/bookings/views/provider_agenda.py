"""The provider's agenda of bookings (/gestione/fornitore/agenda/giorno/ and .../settimana/):
a day or a week of bookings per resource, previous/next and "Oggi"; from the day, confirm,
decline (reason), completed and no-show through the same moves as the booking's page
(`bookings_provider.STEPS`: booking_moves); the day's export as CSV or PDF. Staff of the
provider only (provider_page); another provider's booking is a 404."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings import provider_agenda_queries as q
from benecomune.bookings.booking_lifecycle import BOOKING
from benecomune.bookings.home_visits import visit_address
from benecomune.bookings.models import BookingStatus
from benecomune.bookings.provider_day_pdf import day_pdf
from benecomune.bookings.slots import ROME
from benecomune.bookings.views.bookings_provider import STEPS, _own, _reason
from benecomune.core.exports import csv_response
from benecomune.core.lists import export
from benecomune.marketplace.views.common import provider_page

S = BookingStatus
ONE_DAY = datetime.timedelta(days=1)


def today() -> datetime.date:
    return timezone.now().astimezone(ROME).date()


def _date(request, name: str) -> datetime.date:
    """The day asked for (?data= / ?dal=, ISO), today when missing or unreadable."""
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return today()


def _moves(booking, now) -> dict:
    def can(target, action=None):
        return BOOKING.find(booking.status, target, action) is not None

    started = booking.starts_at <= now  # completed / no-show only once it started
    return {
        "confirm": can(S.CONFIRMED, "bookings.booking_confirmed"),
        "decline": can(S.DECLINED),
        "complete": started and can(S.COMPLETED),
        "no_show": started and can(S.NO_SHOW),
    }


def day_url(day: datetime.date) -> str:
    return f"{reverse('bookings:provider_agenda_day')}?data={day.isoformat()}"


def week_url(day: datetime.date) -> str:
    return f"{reverse('bookings:provider_agenda_week')}?dal={day.isoformat()}"


def _csv(provider, day):
    lines = (q.export_line(*row) for row in q.day_rows(provider, day))
    return csv_response(q.export_header(), lines, f"prenotazioni-{day:%Y-%m-%d}.csv")


@provider_page
def agenda_day(request, provider):
    day = _date(request, "data")
    answer = export(request, csv=lambda: _csv(provider, day), pdf=lambda: day_pdf(provider, day))
    if answer is not None:
        return answer
    closed = request.GET.get("annullate") == "1"
    rows = q.bookings_between(provider, day, day, closed=closed)
    lanes = q.lanes(provider, rows)
    now = timezone.now()
    for lane in lanes:
        lane.bookings = [
            {
                "booking": b,
                "notes": q.notes_of(b),
                "address": visit_address(b),
                "can": _moves(b, now),
            }
            for b in lane.bookings
        ]
    return render(
        request,
        "bookings/provider_agenda_day.html",
        {
            "day": day,
            "lanes": lanes,
            "total": len(rows),
            "closed": closed,
            "is_today": day == today(),
            "previous_url": day_url(day - ONE_DAY),
            "next_url": day_url(day + ONE_DAY),
            "today_url": day_url(today()),
            "week_url": week_url(day),
            "export_url": f"?data={day.isoformat()}&formato=",
        },
    )


@provider_page
def agenda_week(request, provider):
    first = _date(request, "dal")
    first -= datetime.timedelta(days=first.weekday())  # from Monday
    days = [first + datetime.timedelta(days=n) for n in range(7)]
    rows = list(q.bookings_between(provider, days[0], days[-1]))
    lanes = q.lanes(provider, rows)
    # The grid: per resource, per day, the bookings; the list: per day, every booking.
    grid = [
        (
            lane.name,
            [
                [b for b in lane.bookings if b.starts_at.astimezone(ROME).date() == day]
                for day in days
            ],
        )
        for lane in lanes
    ]
    per_day = [
        (day, [b for b in rows if b.starts_at.astimezone(ROME).date() == day]) for day in days
    ]
    return render(
        request,
        "bookings/provider_agenda_week.html",
        {
            "days": days,
            "grid": grid,
            "per_day": per_day,
            "today": today(),
            "previous_url": week_url(first - 7 * ONE_DAY),
            "next_url": week_url(first + 7 * ONE_DAY),
            "today_url": week_url(today()),
            "day_url": day_url(first),
        },
    )


@require_POST
@provider_page
def agenda_move(request, provider, pk, step):
    """A move from the day's agenda (the same as the booking's page), back to that day."""
    if step not in STEPS or step == "annulla":
        raise Http404
    booking = _own(provider, pk)
    run, success = STEPS[step]
    try:
        run(request.actor, booking, _reason(request))
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(
            request,
            _("Prenotazione n. %(n)s: %(text)s")
            % {"n": booking.number, "text": text or _("Non ha i permessi per questa operazione.")},
        )
    else:
        messages.success(request, f"{_('Prenotazione n. %s') % booking.number}: {success}")
    return redirect(day_url(booking.starts_at.astimezone(ROME).date()) + f"#b{booking.pk}")
