"""Appointments at a Welfare Point: the Point's weekly hours for appointments and the
appointments themselves. A Point is not a provider of the catalogue (a Comune's or a
company's Point has none), so its agenda lives here; the slots are computed by the bookings'
own slot arithmetic (`bookings.slots.compute_slots`: Europe/Rome, summer time, notice, window,
seats), so both agree on time. See docs/welfare-points.md, "Appointments at a Point"."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

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
