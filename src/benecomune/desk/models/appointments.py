"""Appointments at a Welfare Point: the Point's weekly hours for appointments, the days and
hours it is closed all the same (a holiday, a closed afternoon), the appointments themselves
and the calendar files sent with their e-mails. A Point is not a provider of the catalogue (a
Comune's or a company's Point has none), so its agenda lives here; the slots are computed by
the bookings' own slot arithmetic (`bookings.slots.compute_slots`: Europe/Rome, summer time,
notice, window, seats, closed days and blocked hours), so both agree on time. See
docs/welfare-points.md, "Appointments at a Point"."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.models.calendar import AbstractCalendarAttachment

from .points import WelfarePoint

WEEKDAYS = [
    (0, _("lunedì")),
    (1, _("martedì")),
    (2, _("mercoledì")),
    (3, _("giovedì")),
    (4, _("venerdì")),
    (5, _("sabato")),
    (6, _("domenica")),
]


class AppointmentHours(models.Model):
    """A range of the week in which the Point receives by appointment (wall-clock, Rome)."""

    point = models.ForeignKey(WelfarePoint, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=WEEKDAYS)
    opens = models.TimeField(_("dalle"))
    closes = models.TimeField(_("alle"))

    objects = ScopedManager(tenant="point__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("orario per appuntamenti")
        verbose_name_plural = _("orari per appuntamenti")
        ordering = ["weekday", "opens"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="desk_hours_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class AppointmentClosure(models.Model):
    """Days on which the Point does not receive by appointment, whatever its week says: from
    `first_day` to `last_day` (both included) all day, or on each of those days only from
    `starts_at` (empty: from the morning) to `ends_at` (empty: to the evening). Wall-clock
    times of Rome, like the hours. Removed when no longer wanted (audited)."""

    point = models.ForeignKey(WelfarePoint, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField(_("dal giorno"))
    last_day = models.DateField(_("al giorno"))
    starts_at = models.TimeField(_("dalle ore"), null=True, blank=True)
    ends_at = models.TimeField(_("alle ore"), null=True, blank=True)
    reason = models.CharField(_("motivo"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="point__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("chiusura del Punto")
        verbose_name_plural = _("chiusure del Punto")
        ordering = ["first_day", "starts_at", "pk"]
        base_manager_name = "objects_unscoped"
        indexes = [models.Index(fields=["point", "last_day"], name="desk_closure_point_last")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="desk_closure_days_order",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(starts_at__isnull=True)
                    | models.Q(ends_at__isnull=True)
                    | models.Q(ends_at__gt=models.F("starts_at"))
                ),
                name="desk_closure_hours_order",
            ),
        ]

    @property
    def all_day(self) -> bool:
        return self.starts_at is None and self.ends_at is None

    def __str__(self) -> str:
        days = f"{self.first_day:%d/%m/%Y}"
        if self.last_day != self.first_day:
            days += f"-{self.last_day:%d/%m/%Y}"
        if self.all_day:
            return days
        start = f"{self.starts_at:%H:%M}" if self.starts_at else ""
        end = f"{self.ends_at:%H:%M}" if self.ends_at else ""
        return f"{days} {start}-{end}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("prenotato")
    DONE = "done", _("svolto")
    NO_SHOW = "no_show", _("la persona non è venuta")
    CANCELLED = "cancelled", _("annullato")


ACTIVE_APPOINTMENT = [AppointmentStatus.BOOKED]


class Appointment(models.Model):
    """A person's appointment at a Point; never deleted (cancelled, done or no-show)."""

    point = models.ForeignKey(WelfarePoint, on_delete=models.PROTECT, related_name="appointments")
    person = models.ForeignKey(
        "core.Person", on_delete=models.PROTECT, related_name="point_appointments"
    )
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    topic = models.CharField(_("di che cosa vuole parlare"), max_length=300, blank=True)
    status = models.CharField(
        _("stato"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    booked_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", null=True
    )
    on_behalf = models.BooleanField(default=False)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # The SEQUENCE of its calendar file: bumped on every change (a cancellation).
    calendar_sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="point__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("appuntamento al Punto Welfare")
        verbose_name_plural = _("appuntamenti al Punto Welfare")
        ordering = ["starts_at"]
        base_manager_name = "objects_unscoped"
        indexes = [models.Index(fields=["point", "starts_at"], name="desk_appt_point_start")]

    def __str__(self) -> str:
        return f"{self.point} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentCalendarAttachment(AbstractCalendarAttachment):
    """The .ics sent with an e-mail about the appointment (confirmation, cancellation,
    reminder): see desk/services/appointment_calendar.py."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = "appointment calendar attachment"

    def __str__(self) -> str:
        return f"{self.appointment_id} {self.method} {self.sequence}"
