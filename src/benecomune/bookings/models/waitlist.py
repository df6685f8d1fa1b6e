"""Waiting lists: a citizen (or the desk for them) waits for a place in a full slot of a
service's schedule. When a place frees, the next entry in order gets a time-limited offer and
the place is HELD for it: the slot's `SlotSeats.taken` still counts it (nobody else can take
it) and the entry's `hold_key` names that counter. The offer is accepted (a booking takes the
held seat), declined, left, or lapses; then the place passes to the next entry, or is released
when nobody is left. Entries are never deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["WaitlistEntry", "WaitlistStatus"]


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("In lista d'attesa")
    OFFERED = "offered", _("Posto offerto")
    ACCEPTED = "accepted", _("Posto accettato")
    DECLINED = "declined", _("Posto rifiutato")
    LAPSED = "lapsed", _("Offerta scaduta")
    LEFT = "left", _("Uscito dalla lista")
    CLOSED = "closed", _("Lista chiusa: il turno è passato")


# An entry still in the list (it may get, or holds, a place).
OPEN_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)


class WaitlistEntry(models.Model):
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )  # the provider's organisation row: the tenant, as for a booking
    provider = models.ForeignKey("core.Provider", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "marketplace.Service",
        verbose_name=_("servizio"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    schedule = models.ForeignKey(
        "bookings.ServiceSchedule", on_delete=models.PROTECT, related_name="waitlist"
    )
    title = models.CharField(_("servizio"), max_length=250)
    starts_at = models.DateTimeField(_("inizio"))  # the slot waited for (UTC)
    ends_at = models.DateTimeField(_("fine"))
    person = models.ForeignKey(
        "core.Person", verbose_name=_("per"), on_delete=models.PROTECT, related_name="+"
    )
    booker = models.ForeignKey(
        "core.Person", verbose_name=_("iscritto da"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf = models.BooleanField(_("allo sportello"), default=False)
    consent_note = models.CharField(_("consenso"), max_length=200, blank=True)
    seats = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        _("stato"), max_length=20, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    idempotency_key = models.CharField(max_length=100)
    # The slot's counter whose seat is held for this entry while its offer is open.
    hold_key = models.CharField(max_length=100, blank=True)
    offered_at = models.DateTimeField(_("offerto il"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offerta valida fino al"), null=True, blank=True)
    booking = models.OneToOneField(
        "bookings.Booking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="waitlist_entry",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("iscrizione alla lista d'attesa")
        verbose_name_plural = _("iscrizioni alla lista d'attesa")
        ordering = ["starts_at", "pk"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="bookings_waitlist_unique_key"
            ),
            # One open entry per person and slot.
            models.UniqueConstraint(
                fields=["schedule", "starts_at", "person"],
                condition=Q(status__in=["waiting", "offered"]),
                name="bookings_waitlist_one_open",
            ),
            # An open offer always names the seat it holds and when it lapses.
            models.CheckConstraint(
                condition=~Q(status="offered")
                | (Q(offer_expires_at__isnull=False) & ~Q(hold_key="")),
                name="bookings_waitlist_offer_holds",
            ),
        ]
        indexes = [
            models.Index(fields=["schedule", "starts_at", "status"]),
            models.Index(fields=["status", "offer_expires_at"]),
            models.Index(fields=["booker", "status"]),
            models.Index(fields=["person", "status"]),
        ]

    def __str__(self) -> str:
        return _("Lista d'attesa n. %(n)s") % {"n": self.pk}

    @property
    def number(self) -> str:
        return f"{self.pk:06d}"

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES
