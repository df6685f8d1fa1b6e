"""Reading reviews: the one computation of a rating (count and average of the published
reviews, to one decimal, in integer arithmetic: no float), and the public lists.

The average is not stored: it is an aggregate over the published reviews of a service or a
provider, served by the (service, status) and (provider, status) indexes, so hiding or
restoring a review changes it at once and it can never drift from the reviews.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum

from benecomune.marketplace.models import Review, ReviewStatus

PUBLIC_REVIEWS = 10


@dataclass(frozen=True)
class Rating:
    count: int
    total: int  # the sum of the ratings

    @property
    def average(self) -> Decimal | None:
        """The mean to one decimal (half up), None without reviews."""
        if not self.count:
            return None
        return (Decimal(self.total) / Decimal(self.count)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def average_text(self) -> str:
        """Italian decimal comma, e.g. "4,5"."""
        average = self.average
        return "" if average is None else str(average).replace(".", ",")


def published(rows=None):
    rows = Review.objects_unscoped.all() if rows is None else rows
    return rows.filter(status=ReviewStatus.PUBLISHED)


def rating_of(rows) -> Rating:
    """The rating of the published reviews among `rows` (one query)."""
    figures = published(rows).aggregate(n=Count("pk"), total=Sum("rating"))
    return Rating(count=figures["n"] or 0, total=figures["total"] or 0)


def service_rating(service) -> Rating:
    return rating_of(Review.objects_unscoped.filter(service_id=service.pk))


def provider_rating(provider) -> Rating:
    return rating_of(Review.objects_unscoped.filter(provider_id=provider.pk))


def public_reviews(rows, limit: int = PUBLIC_REVIEWS) -> list[Review]:
    """The newest published reviews among `rows`, with what the page shows of them."""
    return list(
        published(rows).select_related("person", "service").order_by("-created_at", "-pk")[:limit]
    )


def service_reviews(service) -> tuple[Rating, list[Review]]:
    """A public service page's rating and newest published reviews."""
    rows = Review.objects_unscoped.filter(service_id=service.pk)
    return rating_of(rows), public_reviews(rows)


def provider_reviews(provider) -> tuple[Rating, list[Review]]:
    """A public provider page's rating and newest published reviews (of all its services)."""
    rows = Review.objects_unscoped.filter(provider_id=provider.pk)
    return rating_of(rows), public_reviews(rows)


def review_of_purchase(kind: str, source_id: str) -> Review | None:
    return Review.objects_unscoped.filter(source_kind=kind, source_id=str(source_id)).first()


def with_reviews(person_id: int, purchases: list) -> list[dict]:
    """Each of the person's purchases with their review of it, when written (one query): the
    citizen's own rows, whatever network the provider is in."""
    reviews = {
        (r.source_kind, r.source_id): r
        for r in Review.objects_unscoped.filter(
            person_id=person_id,
            source_kind__in={p.kind for p in purchases},
            source_id__in=[p.source_id for p in purchases],
        )
    }
    return [{"purchase": p, "review": reviews.get(p.key)} for p in purchases]
