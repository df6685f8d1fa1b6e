"""The agenda of a provider: its resources (a person, a room, a vehicle) with their weekly
working hours, exceptions on given dates (closed all day, or one-off opening hours), blocked
periods, the booking rules of each bookable service, and recurring series.

Every row belongs to one provider (scoped by `provider_id`). Working hours and one-off hours
are wall-clock times of Europe/Rome (TimeField): they do not move when summer time starts or
ends. Blocked periods are instants (aware datetimes, stored in UTC). The slots are computed
from these rows by `bookings.slots` (pure Python) through `services.agenda_reads`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.marketplace.models import Weekday

from .bookings import LatePolicy


class ResourceKind(models.TextChoices):
    PERSON = "person", _("Persona")
    ROOM = "room", _("Sala")
    VEHICLE = "vehicle", _("Mezzo")


class Resource(models.Model):
    """Who or what delivers a service: an operator, a room, a vehicle."""

    provider = models.ForeignKey(
        "core.Provider", on_delete=models.PROTECT, related_name="agenda_resources"
    )
    name = models.CharField(_("nome"), max_length=100)
    kind = models.CharField(_("tipo"), max_length=10, choices=ResourceKind.choices)
    active = models.BooleanField(_("attiva"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("risorsa")
        verbose_name_plural = _("risorse")
        base_manager_name = "objects_unscoped"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One working range of a weekday; two ranges on a day leave a break between them. A
    weekday without ranges is a day off."""

    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    starts_at = models.TimeField(_("dalle"))
    ends_at = models.TimeField(_("alle"))

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("orario di lavoro")
        verbose_name_plural = _("orari di lavoro")
        base_manager_name = "objects_unscoped"
        ordering = ["resource", "weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="bookings_hours_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class AgendaException(models.Model):
    """A date that does not follow the week: closed all day (a holiday), or open only in the
    given hours (a one-off opening: a Sunday, a different timetable). Without a resource it
    applies to every resource of the provider."""

    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("giorno"))
    closed = models.BooleanField(_("chiuso tutto il giorno"), default=True)
    starts_at = models.TimeField(_("aperto dalle"), null=True, blank=True)
    ends_at = models.TimeField(_("aperto fino alle"), null=True, blank=True)
    note = models.CharField(_("nota"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("eccezione al calendario")
        verbose_name_plural = _("eccezioni al calendario")
        base_manager_name = "objects_unscoped"
        ordering = ["date", "starts_at", "pk"]
        indexes = [models.Index(fields=["provider", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(closed=True, starts_at__isnull=True, ends_at__isnull=True)
                    | models.Q(closed=False, ends_at__gt=models.F("starts_at"))
                ),
                name="bookings_exception_closed_or_hours",
            )
        ]

    def __str__(self) -> str:
        if self.closed:
            return f"{self.date:%d/%m/%Y} chiuso"
        return f"{self.date:%d/%m/%Y} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class BlockedPeriod(models.Model):
    """A resource is not available from one instant to another (a course, a repair)."""

    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="blocked")
    starts_at = models.DateTimeField(_("dal"))
    ends_at = models.DateTimeField(_("al"))
    reason = models.CharField(_("motivo"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("periodo bloccato")
        verbose_name_plural = _("periodi bloccati")
        base_manager_name = "objects_unscoped"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["resource", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="bookings_blocked_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_id}: {self.starts_at:%d/%m/%Y %H:%M}-{self.ends_at:%H:%M}"


class ServiceSchedule(models.Model):
    """How a catalogue service is booked: its length, seats per slot (1 for a home visit, 20
    for a lab), buffers kept free around it, minimum notice, booking window, the resources
    that can deliver it and the step between two start times."""

    service = models.OneToOneField(
        "marketplace.Service", on_delete=models.CASCADE, related_name="schedule"
    )
    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    duration_minutes = models.PositiveIntegerField(_("durata in minuti"))
    capacity = models.PositiveIntegerField(_("posti per turno"), default=1)
    buffer_before_minutes = models.PositiveIntegerField(_("margine prima, in minuti"), default=0)
    buffer_after_minutes = models.PositiveIntegerField(_("margine dopo, in minuti"), default=0)
    min_notice_hours = models.PositiveIntegerField(_("preavviso minimo, in ore"), default=24)
    window_days = models.PositiveIntegerField(_("prenotabile fino a giorni"), default=90)
    step_minutes = models.PositiveIntegerField(_("un turno ogni, in minuti"), default=30)
    resources = models.ManyToManyField(
        Resource, verbose_name=_("risorse"), related_name="schedules", blank=True
    )
    # Bookings: confirmed by the provider (else at once), free cancellation until this many
    # hours before the start, and what a later cancellation or a no-show costs.
    needs_review = models.BooleanField(_("conferma del fornitore"), default=False)
    cancellation_deadline_hours = models.PositiveIntegerField(
        _("annullamento gratuito fino a ore prima"), default=24
    )
    late_policy = models.CharField(
        _("annullamento tardivo o assenza"),
        max_length=20,
        choices=LatePolicy.choices,
        default=LatePolicy.FREE,
    )
    # Hours before the start at which the booker gets a reminder (0: none).
    reminder_hours = models.PositiveIntegerField(_("promemoria, ore prima"), default=24)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("regole di prenotazione")
        verbose_name_plural = _("regole di prenotazione")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0)
                & models.Q(capacity__gt=0)
                & models.Q(window_days__gt=0)
                & models.Q(step_minutes__gt=0),
                name="bookings_schedule_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id}: {self.duration_minutes} min"


class SeriesStatus(models.TextChoices):
    ACTIVE = "active", _("Attiva")
    CANCELLED = "cancelled", _("Annullata")


class Series(models.Model):
    """A recurring offer booked as one unit with its own seats: "every Tuesday at 17:00 for
    10 weeks" (weekdays [1], 10 weeks) or "summer camp, Monday to Friday 9-13" (weekdays
    0-4, 1 week). Its sessions are computed (`bookings.slots.series_sessions`); with a
    resource, they keep that resource busy."""

    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        "marketplace.Service", on_delete=models.PROTECT, related_name="series"
    )
    resource = models.ForeignKey(
        Resource, null=True, blank=True, on_delete=models.PROTECT, related_name="series"
    )
    title = models.CharField(_("titolo"), max_length=150)
    first_day = models.DateField(_("dal giorno"))
    weekdays = models.JSONField(_("giorni della settimana"), default=list)
    weeks = models.PositiveSmallIntegerField(_("per settimane"))
    starts_at = models.TimeField(_("dalle"))
    ends_at = models.TimeField(_("alle"))
    capacity = models.PositiveIntegerField(_("posti"))
    status = models.CharField(
        _("stato"), max_length=10, choices=SeriesStatus.choices, default=SeriesStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("serie di incontri")
        verbose_name_plural = _("serie di incontri")
        base_manager_name = "objects_unscoped"
        ordering = ["first_day", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at"))
                & models.Q(capacity__gt=0)
                & models.Q(weeks__gt=0),
                name="bookings_series_valid",
            )
        ]

    def __str__(self) -> str:
        return self.title
