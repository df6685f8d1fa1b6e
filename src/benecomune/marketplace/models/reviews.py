"""Feedback on the marketplace: a citizen's rating (1 to 5) and comment on one completed
purchase of a service, the provider's one answer, and the network's moderation.

A review is about a *purchase*, named by its source (`source_kind`, `source_id`: a payment
intent today, a completed booking later; see marketplace/purchases.py), so one purchase has
at most one review (the unique constraint). The tenant is the provider (as the catalogue's):
its staff read `objects` in their area, the network's administrators through the network's
tenants, which include its providers. The public reads published reviews only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

RATING_MIN, RATING_MAX = 1, 5


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("Pubblicata")
    HIDDEN = "hidden", _("Nascosta dalla rete")


class Review(models.Model):
    provider = models.ForeignKey("core.Provider", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey(
        "marketplace.Service", on_delete=models.PROTECT, related_name="reviews"
    )
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    # The purchase reviewed, e.g. ("payments.intent", "42").
    source_kind = models.CharField(max_length=40)
    source_id = models.CharField(max_length=64)
    rating = models.PositiveSmallIntegerField(_("valutazione"))
    # Plain text as typed (control characters removed); always rendered escaped.
    comment = models.TextField(_("commento"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Written by a Welfare Point's desk for the citizen (the audit event holds the consent).
    on_behalf = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The provider's answer: once.
    answer = models.TextField(_("risposta del fornitore"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The network's moderation: hidden with a reason, and restorable.
    status = models.CharField(
        _("stato"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    hidden_reason = models.TextField(_("motivo"), blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("recensione")
        verbose_name_plural = _("recensioni")
        base_manager_name = "objects_unscoped"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_id"], name="marketplace_one_review_per_purchase"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=RATING_MIN, rating__lte=RATING_MAX),
                name="marketplace_review_rating_range",
            ),
        ]
        indexes = [
            # The averages and the public lists: published reviews of a service, a provider.
            models.Index(fields=["service", "status"]),
            models.Index(fields=["provider", "status", "-created_at"]),
            models.Index(fields=["person", "-created_at"]),
        ]

    def __str__(self) -> str:
        # Not the comment: the audit log keeps str(obj).
        return _("Recensione n. %(n)s") % {"n": self.pk}

    @property
    def is_published(self) -> bool:
        return self.status == ReviewStatus.PUBLISHED

    @property
    def reviewer_name(self) -> str:
        """What the public sees of the reviewer: first name and the initial of the surname."""
        person = self.person
        first = (person.first_name or "").split()
        initial = (person.last_name or "").strip()[:1].upper()
        name = first[0].capitalize() if first else ""
        return f"{name} {initial}." if initial else name
