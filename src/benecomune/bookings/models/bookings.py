"""Bookings: a citizen (or the desk for them) takes a seat in a slot of a service's schedule,
or a seat in a series.

The tenant of a booking is its provider's organisation (like an order). A booking is never
deleted: it ends as completed, no-show, declined or cancelled (by whom is recorded). Seats are
counted in `SlotSeats`, one small row per slot (schedule, resource, start) or per series,
changed only by one conditional UPDATE (`taken + seats <= capacity`): under any concurrency a
slot's capacity is never exceeded. `services/booking_seats.check_seats` recomputes the counts
from the active bookings.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["Booking", "BookingStatus", "CancelledBy", "LatePolicy", "SlotSeats"]


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Richiesta")
    CONFIRMED = "confirmed", _("Confermata")
    COMPLETED = "completed", _("Svolta")
    NO_SHOW = "no_show", _("Assente")
    DECLINED = "declined", _("Rifiutata dal fornitore")
    CANCELLED = "cancelled", _("Annullata")


# The statuses of a booking still to happen (it may be confirmed, moved, cancelled).
ACTIVE_STATUSES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)
# The statuses that keep their seat counted (a completed booking used it).
SEAT_STATUSES = (*ACTIVE_STATUSES, BookingStatus.COMPLETED)


class CancelledBy(models.TextChoices):
    CITIZEN = "citizen", _("Dal cittadino")
    PROVIDER = "provider", _("Dal fornitore")
    COMUNE = "comune", _("Dal Comune")
    SYSTEM = "system", _("Pagamento non riuscito o scaduto")


class LatePolicy(models.TextChoices):
    """What a late cancellation by the citizen, or a no-show, costs (priced services)."""

    FREE = "free", _("Nulla: gli importi bloccati sono liberati")
    FULL_PRICE = "full_price", _("L'intero prezzo è trattenuto")


class Booking(models.Model):
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )  # the provider's organisation row: the tenant
    provider = models.ForeignKey(
        "core.Provider", verbose_name=_("fornitore"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "marketplace.Service",
        verbose_name=_("servizio"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    schedule = models.ForeignKey(
        "bookings.ServiceSchedule",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    series = models.ForeignKey(
        "bookings.Series", null=True, blank=True, on_delete=models.PROTECT, related_name="bookings"
    )
    resource = models.ForeignKey(
        "bookings.Resource",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    title = models.CharField(_("servizio"), max_length=250)
    starts_at = models.DateTimeField(_("inizio"))
    ends_at = models.DateTimeField(_("fine"))
    # Who is served (the citizen or a member of their household) and who booked: the citizen
    # (`booker`, also the payer of the order) or the desk for them (`on_behalf`).
    person = models.ForeignKey(
        "core.Person", verbose_name=_("per"), on_delete=models.PROTECT, related_name="+"
    )
    # A home visit's address, the person's registry address when booked (see home_visits).
    visit_address = models.CharField(_("indirizzo della visita"), max_length=200, blank=True)
    booker = models.ForeignKey(
        "core.Person", verbose_name=_("prenotata da"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(_("allo sportello"), default=False)
    consent_note = models.CharField(_("consenso"), max_length=200, blank=True)
    seats = models.PositiveSmallIntegerField(_("posti"), default=1)
    status = models.CharField(
        _("stato"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    order = models.OneToOneField(
        "bookings.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="booking",
    )
    idempotency_key = models.CharField(max_length=100)
    # The slot's counter the seat is taken from (see SlotSeats.key).
    seat_key = models.CharField(max_length=100, editable=False)
    # The service's rules when booked: a later change does not alter a booking made.
    cancellation_deadline = models.DateTimeField(_("annullabile gratis fino al"))
    late_policy = models.CharField(max_length=20, choices=LatePolicy.choices)
    cancelled_by = models.CharField(
        _("annullata"), max_length=20, choices=CancelledBy.choices, blank=True
    )
    cancel_reason = models.CharField(_("motivo"), max_length=300, blank=True)
    late_cancellation = models.BooleanField(default=False)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    # The calendar file's SEQUENCE (bumped on each change: a move, a cancellation) and the
    # reminder's mark (sent at most once per time of the booking; a move clears it).
    calendar_sequence = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(_("promemoria inviato il"), null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("prenotazione")
        verbose_name_plural = _("prenotazioni")
        ordering = ["starts_at", "pk"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="bookings_booking_unique_key"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")) & Q(seats__gt=0),
                name="bookings_booking_valid",
            ),
            models.CheckConstraint(
                condition=Q(schedule__isnull=False, series__isnull=True)
                | Q(schedule__isnull=True, series__isnull=False),
                name="bookings_booking_schedule_or_series",
            ),
        ]
        indexes = [
            models.Index(fields=["booker", "starts_at"]),
            models.Index(fields=["person", "starts_at"]),
            models.Index(fields=["provider", "starts_at"]),
            models.Index(fields=["seat_key", "status"]),
            # The observatory's upkeep reads the rows changed since its watermark.
            models.Index(fields=["updated_at"], name="bookings_booking_updated"),
            models.Index(
                fields=["starts_at"],
                name="bookings_booking_to_remind",
                condition=Q(status="confirmed", reminder_sent_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return _("Prenotazione n. %(n)s") % {"n": self.pk}

    @property
    def number(self) -> str:
        return f"{self.pk:06d}"

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class SlotSeats(models.Model):
    """Seats taken in one slot: (schedule, resource, start) or a whole series. `key` names it
    (unique, also with no resource: NULLs are never equal in a unique index). Created with
    INSERT ... ON CONFLICT DO NOTHING, then changed only by a conditional UPDATE."""

    provider = models.ForeignKey("core.Provider", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=100)
    schedule = models.ForeignKey(
        "bookings.ServiceSchedule", null=True, on_delete=models.PROTECT, related_name="+"
    )
    series = models.ForeignKey(
        "bookings.Series", null=True, on_delete=models.PROTECT, related_name="+"
    )
    resource = models.ForeignKey(
        "bookings.Resource", null=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["key"], name="bookings_slotseats_unique_key"),
            models.CheckConstraint(
                condition=Q(taken__lte=models.F("capacity")), name="bookings_slotseats_capacity"
            ),
        ]
        indexes = [models.Index(fields=["schedule", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.key}: {self.taken}/{self.capacity}"
