"""Appointments at a Welfare Point: the Point's admin sets the hours; a citizen books a slot
for themselves (or an operator of the Point for them, by phone or at the desk); the person or
the Point cancels; the operator marks it done or missed. Each use case one transaction with
its audit event; the person is told in the app and by e-mail after commit.

Slots come from `bookings.slots.compute_slots` (the bookings' own arithmetic: Rome time and
summer time, minimum notice, window, seats); the seats of a start are counted under the
Point's row lock, so two people never take the last seat together.
"""

import datetime
import itertools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.bookings.slots import ROME, ResourceAgenda, Rules, Slot, compute_slots, minutes_of
from benecomune.core import audit, on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import Person
from benecomune.core.notifications import notify_person
from benecomune.desk.access import my_points
from benecomune.desk.models import (
    Appointment,
    AppointmentHours,
    AppointmentStatus,
    WelfarePoint,
)
from benecomune.desk.services.points import can_manage

MAX_MINUTES, MAX_DESKS, MAX_WINDOW = 240, 20, 180


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


def _agenda(point: WelfarePoint) -> ResourceAgenda:
    week: dict[int, tuple] = {}
    for h in AppointmentHours.objects_unscoped.filter(point=point).order_by("weekday", "opens"):
        week[h.weekday] = (*week.get(h.weekday, ()), (minutes_of(h.opens), minutes_of(h.closes)))
    return ResourceAgenda(id=point.pk, week=week)


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
    return compute_slots(_rules(point), [_agenda(point)], today, last, now, taken)


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
    not offered (past, too soon, too far, outside the hours) or just filled, or when the
    person already has an upcoming appointment at this Point."""
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
        _("Appuntamento al Punto Welfare"),
        _(
            "Ha un appuntamento al %(point)s (%(address)s) il %(when)s. Se non può venire, lo "
            "annulli dalla sua area personale o chiami il Punto."
        ),
    )
    return appointment


def _all_slots(point: WelfarePoint, now, day) -> list[Slot]:
    """The day's slots ignoring the seats taken: to tell "just filled" from "never offered"."""
    return compute_slots(_rules(point), [_agenda(point)], day, day, now)


def _when(instant: datetime.datetime) -> str:
    return instant.astimezone(ROME).strftime("%d/%m/%Y alle %H:%M")


def _tell(appointment: Appointment, subject: str, body: str, **values) -> None:
    point = appointment.point
    notify_person(
        appointment.person,
        subject=subject,
        body=body
        % {
            "point": point.name,
            "address": f"{point.address}, {point.municipality.name}",
            "when": _when(appointment.starts_at),
            **values,
        },
        link=reverse("desk:my_appointments"),
    )


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
    if not mine:
        _tell(
            appointment,
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
        _("Promemoria: appuntamento al Punto Welfare"),
        _(
            "Le ricordiamo l'appuntamento al %(point)s (%(address)s) il %(when)s. Se non può "
            "venire, lo annulli dalla sua area personale o chiami il Punto."
        ),
    )
    return 1
