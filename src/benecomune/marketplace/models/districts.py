"""The commerce district of a Comune: its shops' opening hours (weekly slots and closures on
given dates) and their promotions. The shops are `core.Provider` rows (`provider_kind` shop);
every row here belongs to one shop (scoped by the provider)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Weekday(models.IntegerChoices):
    """Monday first, as `datetime.date.weekday()` counts."""

    MONDAY = 0, _("Lunedì")
    TUESDAY = 1, _("Martedì")
    WEDNESDAY = 2, _("Mercoledì")
    THURSDAY = 3, _("Giovedì")
    FRIDAY = 4, _("Venerdì")
    SATURDAY = 5, _("Sabato")
    SUNDAY = 6, _("Domenica")


class OpeningSlot(models.Model):
    """One opening of a weekday (a day may have two: morning and afternoon). A day without
    slots is a closed day. Times are the shop's local time (Europe/Rome)."""

    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    opens_at = models.TimeField(_("apre alle"))
    closes_at = models.TimeField(_("chiude alle"))

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("fascia di apertura")
        verbose_name_plural = _("orari di apertura")
        base_manager_name = "objects_unscoped"
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="marketplace_slot_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class OpeningException(models.Model):
    """A closure on given dates (a holiday, inventory, the owner's leave), with a note shown
    to the public."""

    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField(_("chiuso dal"))
    end_date = models.DateField(_("chiuso fino al"))
    note = models.CharField(_("nota"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("chiusura straordinaria")
        verbose_name_plural = _("chiusure straordinarie")
        base_manager_name = "objects_unscoped"
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="marketplace_closure_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_date} - {self.end_date}"


class PromotionStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    PUBLISHED = "published", _("Pubblicata")
    WITHDRAWN = "withdrawn", _("Ritirata")


class Promotion(models.Model):
    """An offer a shop publishes for given dates. Title and text are plain text (always
    escaped); the optional image is checked and re-encoded like the profile's images."""

    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("titolo"), max_length=120)
    text = models.TextField(_("testo"), max_length=2000, blank=True)
    valid_from = models.DateField(_("valida dal"))
    valid_until = models.DateField(_("valida fino al"))
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=PromotionStatus.choices,
        default=PromotionStatus.DRAFT,
    )
    image = models.FileField(_("immagine"), upload_to="marketplace/promotions/%Y/%m/", blank=True)
    image_alt = models.CharField(_("descrizione dell'immagine"), max_length=200, blank=True)
    image_type = models.CharField(max_length=100, blank=True)
    image_width = models.PositiveIntegerField(default=0)
    image_height = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("offerta")
        verbose_name_plural = _("offerte")
        base_manager_name = "objects_unscoped"
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="marketplace_promotion_dates_ordered",
            )
        ]
        indexes = [models.Index(fields=["provider", "status", "valid_until"])]

    def __str__(self) -> str:
        return self.title
