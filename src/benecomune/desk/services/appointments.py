"""Appointments at a Welfare Point: the Point's admin sets the hours; the Point's staff (its
admin or its operators) mark the days and hours it is closed all the same; a citizen books a
slot for themselves (or an operator of the Point for them, by phone or at the desk); the
person or the Point cancels; the operator marks it done or missed. Each use case one
transaction with its audit event; the person is told in the app and by e-mail after commit,
the e-mail with the appointment's calendar file (services/appointment_calendar.py).

Slots come from `bookings.slots.compute_slots` (the bookings' own arithmetic: Rome time and
summer time, minimum notice, window, seats); a closure reaches it as the bookings' agenda
exceptions do, a closed day (`ResourceAgenda.closed`) or blocked hours (`blocked`). The seats
of a start are counted under the Point's row lock, which a new closure takes too: two people
never take the last seat together, and nobody books into a closure being written.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.bookings.slots import (
    ROME,
    ResourceAgenda,
    Rules,
    Slot,
    compute_slots,
    local_instant,
    minutes_of,
)
from benecomune.core import audit, on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import Notification, Person
from benecomune.core.notifications import send_email
from benecomune.desk.access import my_points
from benecomune.desk.models import (
    Appointment,
    AppointmentClosure,
    AppointmentHours,
    AppointmentStatus,
    WelfarePoint,
)
from benecomune.desk.services import appointment_calendar
from benecomune.desk.services.points import can_manage

MAX_MINUTES, MAX_DESKS, MAX_WINDOW = 240, 20, 180
MAX_CLOSURE_DAYS, MAX_CLOSURE_AHEAD_DAYS = 366, 2 * 366
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class HoursRange:
    weekday: int
    opens: datetime.time
    closes: datetime.time


# --- Settings (the Point's admin) ----------------------------------------------------------


@transaction.atomic
def set_appointments(
    actor: Actor,
    point: WelfarePoint,
    *,
    enabled: bool,
    minutes: int,
    desks: int,
    notice_hours: int,
    window_days: int,
    hours: list[HoursRange],
) -> WelfarePoint:
    """Turn appointments on or off and set the weekly hours (replacing the previous ones)."""
    if not can_manage(actor, point.organization):
        raise PermissionDenied(_("Solo chi amministra il Punto ne imposta gli appuntamenti."))
    errors = {}
    if not 10 <= minutes <= MAX_MINUTES:
        errors["minutes"] = _("Un appuntamento dura da 10 a %(n)s minuti.") % {"n": MAX_MINUTES}
    if not 1 <= desks <= MAX_DESKS:
        errors["desks"] = _("Da 1 a %(n)s appuntamenti alla stessa ora.") % {"n": MAX_DESKS}
    if not 1 <= window_days <= MAX_WINDOW:
        errors["window_days"] = _("Si prenota da 1 a %(n)s giorni prima.") % {"n": MAX_WINDOW}
    for item in hours:
        if item.closes <= item.opens:
            errors["hours"] = _("In ogni fascia l'ora di chiusura viene dopo quella di apertura.")
    ordered = sorted(hours, key=lambda h: (h.weekday, h.opens))
    for before, after in itertools.pairwise(ordered):
        if before.weekday == after.weekday and after.opens < before.closes:
            errors["hours"] = _("Due fasce dello stesso giorno si sovrappongono.")
    if enabled and not hours:
        errors["hours"] = _("Per aprire le prenotazioni indichi almeno una fascia oraria.")
    if errors:
        raise ValidationError(errors)
    point = WelfarePoint.objects_unscoped.select_for_update().get(pk=point.pk)
    before = _settings(point)
    point.appointments_enabled = enabled
    point.appointment_minutes = minutes
    point.appointment_desks = desks
    point.appointment_notice_hours = notice_hours
    point.appointment_window_days = window_days
    point.save()
    AppointmentHours.objects_unscoped.filter(point=point).delete()
    AppointmentHours.objects_unscoped.bulk_create(
        AppointmentHours(point=point, weekday=h.weekday, opens=h.opens, closes=h.closes)
        for h in ordered
    )
    audit.record(
        actor,
        "desk.appointments_set",
        point,
        organization=point.organization,
        before=before,
        after=_settings(point),
    )
    return point


def _settings(point: WelfarePoint) -> dict:
    hours = AppointmentHours.objects_unscoped.filter(point=point).order_by("weekday", "opens")
    return {
        "enabled": point.appointments_enabled,
        "minutes": point.appointment_minutes,
        "desks": point.appointment_desks,
        "notice_hours": point.appointment_notice_hours,
        "window_days": point.appointment_window_days,
        "hours": [f"{h.weekday} {h.opens:%H:%M}-{h.closes:%H:%M}" for h in hours],
    }


# --- Slots -----------------------------------------------------------------------------------


def _rules(point: WelfarePoint) -> Rules:
    return Rules(
        duration=point.appointment_minutes,
        step=point.appointment_minutes,
        capacity=point.appointment_desks,
        notice_minutes=point.appointment_notice_hours * 60,
        window_days=point.appointment_window_days,
    )


def _agenda(point: WelfarePoint, first: datetime.date, last: datetime.date) -> ResourceAgenda:
    """The Point as one resource of the bookings' slot arithmetic: its week, and its closures
    from `first` to `last` as closed days (all day) and blocked hours (the rest)."""
    week: dict[int, tuple] = {}
    for h in AppointmentHours.objects_unscoped.filter(point=point).order_by("weekday", "opens"):
        week[h.weekday] = (*week.get(h.weekday, ()), (minutes_of(h.opens), minutes_of(h.closes)))
    closed: set[datetime.date] = set()
    blocked: list[tuple[datetime.datetime, datetime.datetime]] = []
    for closure in closures_between(point, first, last):
        if closure.all_day:
            closed.update(_days(closure, first, last))
        else:
            blocked.extend(closure_spans(closure, first, last))
    return ResourceAgenda(id=point.pk, week=week, closed=frozenset(closed), blocked=tuple(blocked))


def available_slots(point: WelfarePoint, *, now=None, days: int | None = None) -> list[Slot]:
    """The free slots of the Point from now to the end of its window (or `days` ahead)."""
    if not point.appointments_enabled:
        return []
    now = now or timezone.now()
    today = now.astimezone(ROME).date()
    last = today + datetime.timedelta(days=days or point.appointment_window_days)
    taken: dict = {}
    rows = Appointment.objects_unscoped.filter(
        point=point, status=AppointmentStatus.BOOKED, starts_at__gte=now
    ).values_list("starts_at", flat=True)
    for start in rows:
        taken[(point.pk, start)] = taken.get((point.pk, start), 0) + 1
    return compute_slots(_rules(point), [_agenda(point, today, last)], today, last, now, taken)


# --- Closures (the Point's staff) -------------------------------------------------------------


def _wall(day: datetime.date, minutes: int) -> datetime.datetime:
    """The instant the clocks of Rome show `minutes` after the midnight of `day` (1440: the next
    midnight); a time in the spring-forward gap is the end of the gap (03:00)."""
    for minute in range(minutes, minutes + 61):
        instant = local_instant(day, minute)
        if instant is not None:
            return instant
    raise ValueError(f"no wall-clock time near {day} +{minutes}")  # pragma: no cover


def _days(closure: AppointmentClosure, first: datetime.date, last: datetime.date):
    day = max(closure.first_day, first)
    while day <= min(closure.last_day, last):
        yield day
        day += ONE_DAY


def closure_spans(closure: AppointmentClosure, first: datetime.date, last: datetime.date):
    """The closure as UTC instants [start, end), one per day from `first` to `last`."""
    start = minutes_of(closure.starts_at) if closure.starts_at else 0
    end = minutes_of(closure.ends_at) if closure.ends_at else 1440
    return [(_wall(day, start), _wall(day, end)) for day in _days(closure, first, last)]


def closures_between(point: WelfarePoint, first: datetime.date, last: datetime.date):
    return AppointmentClosure.objects_unscoped.filter(
        point=point, first_day__lte=last, last_day__gte=first
    ).order_by("first_day", "starts_at", "pk")


def closure_at(
    point: WelfarePoint, start: datetime.datetime, end: datetime.datetime
) -> AppointmentClosure | None:
    """The closure that takes in some of [start, end), if any."""
    first, last = start.astimezone(ROME).date(), end.astimezone(ROME).date()
    for closure in closures_between(point, first, last):
        if any(s < end and e > start for s, e in closure_spans(closure, first, last)):
            return closure
    return None


def describe(closure: AppointmentClosure) -> str:
    """ "il 25/04/2026, tutto il giorno", "dal 03/08/2026 al 07/08/2026, dalle 14:00"..."""
    if closure.first_day == closure.last_day:
        days = _("il %(day)s") % {"day": f"{closure.first_day:%d/%m/%Y}"}
    else:
        days = _("dal %(first)s al %(last)s") % {
            "first": f"{closure.first_day:%d/%m/%Y}",
            "last": f"{closure.last_day:%d/%m/%Y}",
        }
    start = f"{closure.starts_at:%H:%M}" if closure.starts_at else ""
    end = f"{closure.ends_at:%H:%M}" if closure.ends_at else ""
    if start and end:
        hours = _("dalle %(start)s alle %(end)s") % {"start": start, "end": end}
    elif start:
        hours = _("dalle %(start)s a fine giornata") % {"start": start}
    elif end:
        hours = _("fino alle %(end)s") % {"end": end}
    else:
        hours = _("tutto il giorno")
    return f"{days}, {hours}"


def appointments_in(closures, *, now=None) -> dict[int, list[Appointment]]:
    """For each closure (of one Point), the appointments still booked that fall in it, not yet
    ended: the staff decide whether to cancel them (nothing is cancelled for them)."""
    closures = list(closures)
    found: dict[int, list[Appointment]] = {c.pk: [] for c in closures}
    if not closures:
        return found
    now = now or timezone.now()
    first = min(c.first_day for c in closures)
    last = max(c.last_day for c in closures)
    rows = (
        Appointment.objects_unscoped.filter(
            point_id=closures[0].point_id,
            status=AppointmentStatus.BOOKED,
            ends_at__gt=max(now, _wall(first, 0)),
            starts_at__lt=_wall(last + ONE_DAY, 0),
        )
        .select_related("person")
        .order_by("starts_at", "pk")
    )
    for appointment in rows:
        start, end = appointment.starts_at, appointment.ends_at
        day_first, day_last = start.astimezone(ROME).date(), end.astimezone(ROME).date()
        for closure in closures:
            spans = closure_spans(closure, day_first, day_last)
            if any(s < end and e > start for s, e in spans):
                found[closure.pk].append(appointment)
    return found


def upcoming_closures(
    point: WelfarePoint, *, now=None, until: datetime.date | None = None, affected: bool = True
) -> list[AppointmentClosure]:
    """The closures not yet over (starting by `until`), each with its `.description` and,
    for the Point's staff (`affected`), `.affected`: its appointments still booked."""
    now = now or timezone.now()
    today = now.astimezone(ROME).date()
    rows = AppointmentClosure.objects_unscoped.filter(point=point, last_day__gte=today)
    if until is not None:
        rows = rows.filter(first_day__lte=until)
    rows = list(rows.order_by("first_day", "starts_at", "pk"))
    booked = appointments_in(rows, now=now) if affected else {}
    for closure in rows:
        closure.description = describe(closure)
        closure.affected = booked.get(closure.pk, [])
    return rows


def may_manage_closures(actor: Actor, point: WelfarePoint) -> bool:
    """The Point's staff: whoever administers its organisation, or works at it."""
    return can_manage(actor, point.organization) or _is_operator_of(actor, point)


def _closure_snapshot(closure: AppointmentClosure) -> dict:
    return audit.snapshot(
        closure, ["point", "first_day", "last_day", "starts_at", "ends_at", "reason"]
    )


@transaction.atomic
def add_closure(
    actor: Actor,
    point: WelfarePoint,
    *,
    first_day: datetime.date | None,
    last_day: datetime.date | None = None,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    reason: str = "",
    now=None,
) -> tuple[AppointmentClosure, list[Appointment]]:
    """The Point is closed from `first_day` to `last_day` (all day, or on each day from
    `starts_at` and/or until `ends_at`): its slots there are no longer offered. Returns the
    closure and the appointments already booked in it, which stay booked: the staff are shown
    them and cancel them, if they want, with the usual cancellation (the person is told)."""
    if not may_manage_closures(actor, point):
        raise PermissionDenied(_("Solo chi lavora al Punto o lo amministra ne indica le chiusure."))
    now = now or timezone.now()
    today = now.astimezone(ROME).date()
    last_day = last_day or first_day
    reason = " ".join((reason or "").split())[:200]
    errors: dict[str, str] = {}
    if first_day is None:
        errors["first_day"] = _("Indichi il primo giorno di chiusura.")
    elif last_day < first_day:
        errors["last_day"] = _("L'ultimo giorno di chiusura non può venire prima del primo.")
    elif last_day < today:
        errors["last_day"] = _("Questa chiusura è già trascorsa: indichi giorni da oggi in poi.")
    elif (last_day - first_day).days >= MAX_CLOSURE_DAYS:
        errors["last_day"] = _(
            "Una chiusura dura al massimo un anno: per un periodo più lungo disattivi le "
            "prenotazioni del Punto."
        )
    elif (first_day - today).days > MAX_CLOSURE_AHEAD_DAYS:
        errors["first_day"] = _("Indichi un giorno entro i prossimi due anni.")
    if ends_at is not None and ends_at <= (starts_at or datetime.time()):
        errors["ends_at"] = _(
            "L'ora di fine (%(end)s) deve venire dopo quella di inizio (%(start)s)."
        ) % {"start": f"{starts_at or datetime.time():%H:%M}", "end": f"{ends_at:%H:%M}"}
    if not reason:
        errors["reason"] = _("Indichi il motivo della chiusura, per esempio «Festa patronale».")
    if errors:
        raise ValidationError(errors)
    WelfarePoint.objects_unscoped.select_for_update().filter(pk=point.pk).first()  # book()'s lock
    closure = AppointmentClosure.objects_unscoped.create(
        point=point,
        first_day=first_day,
        last_day=last_day,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason,
    )
    affected = appointments_in([closure], now=now)[closure.pk]
    audit.record(
        actor,
        "desk.appointment_closure_added",
        closure,
        organization=point.organization,
        after={**_closure_snapshot(closure), "booked_in_it": [a.pk for a in affected]},
    )
    return closure, affected


@transaction.atomic
def remove_closure(actor: Actor, closure: AppointmentClosure) -> None:
    """The Point receives again in those days and hours (its week's slots come back)."""
    point = closure.point
    if not may_manage_closures(actor, point):
        raise PermissionDenied(_("Solo chi lavora al Punto o lo amministra ne indica le chiusure."))
    audit.record(
        actor,
        "desk.appointment_closure_removed",
        closure,
        organization=point.organization,
        before=_closure_snapshot(closure),
    )
    closure.delete()


# --- Booking ---------------------------------------------------------------------------------


def _is_operator_of(actor: Actor, point: WelfarePoint) -> bool:
    return my_points(actor).filter(pk=point.pk).exists()


@on_behalf.refusals_audited
@transaction.atomic
def book(
    actor: Actor, point: WelfarePoint, person: Person, starts_at: datetime.datetime, topic=""
) -> Appointment:
    """The person's appointment at `starts_at` (UTC): the person themselves, or an operator
    of the Point for them (recorded as such). Refused with an Italian message when the slot is
    not offered (past, too soon, too far, outside the hours, in a closure: its days and reason
    said) or just filled, or when the person already has an upcoming appointment at this
    Point."""
    mine = actor.membership is None and actor.user is not None and actor.user.person_id == person.pk
    if not mine and not _is_operator_of(actor, point):
        raise PermissionDenied(_("Si può prenotare un appuntamento solo per sé."))
    point = WelfarePoint.objects_unscoped.select_for_update().get(pk=point.pk)  # the seats' lock
    if not point.appointments_enabled or not point.is_active:
        raise ValidationError(_("Questo Punto Welfare non riceve su appuntamento."))
    now = timezone.now()
    if starts_at <= now:
        raise ValidationError(_("L'orario scelto è già passato: ne scelga un altro."))
    day = starts_at.astimezone(ROME).date()
    slots = available_slots(point, now=now)
    slot = next((s for s in slots if s.start == starts_at), None)
    if slot is None:
        closure = closure_at(
            point, starts_at, starts_at + datetime.timedelta(minutes=point.appointment_minutes)
        )
        if closure is not None:
            raise ValidationError(closed_message(closure))
        offered = any(s.start == starts_at for s in _all_slots(point, now, day))
        raise ValidationError(
            _("L'orario scelto è stato appena occupato: ne scelga un altro.")
            if offered
            else _("L'orario scelto non è tra quelli prenotabili: ne scelga uno dall'elenco.")
        )
    upcoming = Appointment.objects_unscoped.filter(
        point=point, person=person, status=AppointmentStatus.BOOKED, starts_at__gt=now
    ).first()
    if upcoming is not None:
        raise ValidationError(
            _("%(name)s ha già un appuntamento a questo Punto il %(when)s: lo annulli prima.")
            % {"name": person.full_name, "when": _when(upcoming.starts_at)}
        )
    appointment = Appointment.objects_unscoped.create(
        point=point,
        person=person,
        starts_at=slot.start,
        ends_at=slot.end,
        topic=" ".join((topic or "").split())[:300],
        booked_by=actor.user,
        on_behalf=not mine,
    )
    audit.record(
        actor,
        "desk.appointment_booked",
        appointment,
        organization=point.organization,
        person=person,
        after={
            "point": point.pk,
            "starts_at": slot.start.isoformat(),
            "on_behalf_of": person.fiscal_code if not mine else None,
        },
        reason=on_behalf.on_behalf_reason(actor, person) if not mine else "",
    )
    _tell(
        appointment,
        "booked",
        _("Appuntamento al Punto Welfare"),
        _(
            "Ha un appuntamento al %(point)s (%(address)s) il %(when)s. Se non può venire, lo "
            "annulli dalla sua area personale o chiami il Punto."
        ),
    )
    return appointment


def closed_message(closure: AppointmentClosure) -> str:
    return _("Il Punto è chiuso %(when)s (%(reason)s): scelga un altro orario dall'elenco.") % {
        "when": describe(closure),
        "reason": closure.reason,
    }


def _all_slots(point: WelfarePoint, now, day) -> list[Slot]:
    """The day's slots ignoring the seats taken: to tell "just filled" from "never offered"."""
    return compute_slots(_rules(point), [_agenda(point, day, day)], day, day, now)


def _when(instant: datetime.datetime) -> str:
    return instant.astimezone(ROME).strftime("%d/%m/%Y alle %H:%M")


def _tell(appointment: Appointment, key: str, subject: str, body: str, **values) -> None:
    """The person's message, in the app and by e-mail; the e-mail carries the appointment's
    calendar file (REQUEST, or CANCEL once cancelled)."""
    point, person = appointment.point, appointment.person
    text = body % {
        "point": point.name,
        "address": f"{point.address}, {point.municipality.name}",
        "when": _when(appointment.starts_at),
        **values,
    }
    link = reverse("desk:my_appointments")
    Notification.objects.create(person=person, subject=subject[:200], body=text, link=link)
    mail = send_email(
        person.email,
        subject,
        text,
        organization=point.organization,
        person=person,
        key=f"{appointment_calendar.KEY_PREFIX}_{key}",
    )
    appointment_calendar.attach(mail, appointment)


# --- Afterwards ------------------------------------------------------------------------------


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects_unscoped.select_for_update()
        .select_related("point", "point__organization", "point__municipality", "person")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def cancel(actor: Actor, appointment: Appointment, *, reason: str = "") -> Appointment:
    """The person (until it starts) or an operator of the Point (with a reason)."""
    appointment = _locked(appointment)
    mine = actor.membership is None and actor.user and actor.user.person_id == appointment.person_id
    operator = _is_operator_of(actor, appointment.point)
    if not mine and not operator:
        raise PermissionDenied(_("Solo la persona o il Punto annullano l'appuntamento."))
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(_("L'appuntamento non è più prenotato."))
    if mine and appointment.starts_at <= timezone.now():
        raise ValidationError(_("L'appuntamento è già iniziato: chiami il Punto."))
    reason = " ".join((reason or "").split())[:300]
    if operator and not mine and not reason:
        raise ValidationError({"reason": _("Indichi il motivo: la persona lo riceverà.")})
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = timezone.now()
    appointment.cancel_reason = reason
    appointment.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    appointment_calendar.changed(appointment)  # the event their calendar holds is cancelled
    audit.record(
        actor,
        "desk.appointment_cancelled",
        appointment,
        organization=appointment.point.organization,
        person=appointment.person,
        before={"status": AppointmentStatus.BOOKED},
        after={"status": appointment.status, "by": "person" if mine else "point"},
        reason=reason,
    )
    if mine:
        _tell(
            appointment,
            "cancelled",
            _("Appuntamento annullato"),
            _(
                "Ha annullato l'appuntamento al %(point)s del %(when)s. Se le serve, ne prenoti "
                "un altro dall'elenco dei Punti Welfare."
            ),
        )
    else:
        _tell(
            appointment,
            "cancelled",
            _("Appuntamento annullato dal Punto Welfare"),
            _("Il %(point)s ha annullato l'appuntamento del %(when)s. Motivo: %(reason)s"),
            reason=reason,
        )
    return appointment


@transaction.atomic
def close(actor: Actor, appointment: Appointment, *, attended: bool) -> Appointment:
    """The operator marks a started appointment done, or the person missing."""
    appointment = _locked(appointment)
    if not _is_operator_of(actor, appointment.point):
        raise PermissionDenied(_("Solo gli operatori del Punto registrano l'esito."))
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(_("L'appuntamento non è più prenotato."))
    if appointment.starts_at > timezone.now():
        raise ValidationError(_("L'appuntamento non è ancora iniziato."))
    appointment.status = AppointmentStatus.DONE if attended else AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status", "updated_at"])
    audit.record(
        actor,
        "desk.appointment_closed",
        appointment,
        organization=appointment.point.organization,
        person=appointment.person,
        before={"status": AppointmentStatus.BOOKED},
        after={"status": appointment.status},
    )
    return appointment


# --- Reminders (Celery beat, desk.remind_appointments) -----------------------------------------

REMINDER_HOURS = 24


def remind_due(actor: Actor, *, now=None) -> int:
    """Remind each booked appointment starting in the next 24 hours, once: the row is locked
    and marked with the audit event, so a second run (or a second worker) skips it."""
    now = now or timezone.now()
    ids = list(
        Appointment.objects_unscoped.filter(
            status=AppointmentStatus.BOOKED,
            reminder_sent_at=None,
            starts_at__gt=now,
            starts_at__lte=now + datetime.timedelta(hours=REMINDER_HOURS),
        ).values_list("pk", flat=True)
    )
    return sum(_remind_one(actor, pk, now) for pk in ids)


@transaction.atomic
def _remind_one(actor: Actor, pk: int, now) -> int:
    appointment = _locked(Appointment(pk=pk))
    if appointment.status != AppointmentStatus.BOOKED or appointment.reminder_sent_at:
        return 0
    appointment.reminder_sent_at = now
    appointment.save(update_fields=["reminder_sent_at", "updated_at"])
    audit.record(
        actor,
        "desk.appointment_reminded",
        appointment,
        organization=appointment.point.organization,
        person=appointment.person,
        after={"reminder_sent_at": now.isoformat()},
    )
    _tell(
        appointment,
        "reminder",
        _("Promemoria: appuntamento al Punto Welfare"),
        _(
            "Le ricordiamo l'appuntamento al %(point)s (%(address)s) il %(when)s. Se non può "
            "venire, lo annulli dalla sua area personale o chiami il Punto."
        ),
    )
    return 1
