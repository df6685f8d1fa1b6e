"""The provider's dashboard: read-only figures of the active role's provider, few queries each.

Every query filters explicitly on the provider (as the shop's takings do) after checking that
the actor is its staff, so the figures of another provider are never read. Bookings do not
exist yet: nothing here is about them.

Revenue by wallet kind: the captured minus refunded money of the provider's payment intents
made in the period (by the day of the purchase: a later refund lowers the month of the sale),
split by where each leg's money came from. The till's voucher sales also run through intents
(`vouchers.authorisation`, and the plain till payment has none): they are left out here and
counted once, by the till's own takings service (`vouchers.services.takings`), for shops.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.core.actors import Actor
from benecomune.core.models import Provider, ProviderKind
from benecomune.ledger.models import WalletSource
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationEvidence,
    Service,
    ServiceArea,
    ServiceStatus,
    Side,
    Thread,
    ThreadStatus,
)
from benecomune.marketplace.models.accreditation import CLOSED_STATUSES
from benecomune.marketplace.review_queries import Rating, provider_rating
from benecomune.marketplace.services.common import require_provider_staff
from benecomune.marketplace.thread_queries import (
    response_time_text,
    unread_threads_count,
    usual_response_seconds,
)
from benecomune.payments.models import LegSource, PaymentLeg

# Documents expiring within this many days are shown (the sweep's first reminder).
EXPIRY_WINDOW_DAYS = 60
# The till's intents: counted by the takings service, not twice.
TILL_OBJECT_TYPES = ("vouchers.authorisation",)


# --- Periods ----------------------------------------------------------------------------------

PERIODS = {
    "mese": _("Questo mese"),
    "mese-scorso": _("Il mese scorso"),
    "anno": _("Quest'anno"),
}
DEFAULT_PERIOD = "mese"


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: datetime.date
    end: datetime.date  # included


def period_of(key: str, today: datetime.date | None = None) -> Period:
    """The period `key` (an unknown key: this month) around `today` (local)."""
    today = today or timezone.localdate()
    key = key if key in PERIODS else DEFAULT_PERIOD
    first = today.replace(day=1)
    if key == "mese-scorso":
        end = first - datetime.timedelta(days=1)
        start = end.replace(day=1)
    elif key == "anno":
        start, end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    else:
        start = first
        end = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return Period(key, str(PERIODS[key]), start, end)


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return since, until


# --- The parts --------------------------------------------------------------------------------


def service_counts(provider: Provider) -> list[dict]:
    """Each status with its count and the link to the filtered list (one query)."""
    counts = dict(
        Service.objects_unscoped.filter(provider_id=provider.pk)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    base = reverse("marketplace:services")
    return [
        {
            "status": value,
            "label": label,
            "count": counts.get(value, 0),
            "url": f"{base}?stato={value}",
        }
        for value, label in ServiceStatus.choices
    ]


def accreditation_rows(provider: Provider) -> list[dict]:
    """Every service area with the provider's current request in it (the open one, else the
    latest closed), or None (one query)."""
    latest: dict[str, Accreditation] = {}
    rows = (
        Accreditation.objects_unscoped.filter(provider_id=provider.pk)
        .select_related("network")
        .order_by("-created_at", "-pk")
    )
    for accreditation in rows:
        current = latest.get(accreditation.area)
        if current is None or (
            current.status in CLOSED_STATUSES and accreditation.status not in CLOSED_STATUSES
        ):
            latest[accreditation.area] = accreditation
    return [
        {"area": value, "label": label, "accreditation": latest.get(value)}
        for value, label in ServiceArea.choices
    ]


@dataclass(frozen=True)
class ExpiringDocument:
    evidence: AccreditationEvidence
    title: str
    area_label: str
    expires_on: datetime.date
    days_left: int  # negative: expired that many days ago

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def days_ago(self) -> int:
        return -self.days_left


def expiring_documents(
    provider: Provider, today: datetime.date | None = None
) -> list[ExpiringDocument]:
    """Current documents of the provider's open requests expired or expiring within
    EXPIRY_WINDOW_DAYS, soonest first (one query)."""
    today = today or timezone.localdate()
    rows = (
        AccreditationEvidence.objects_unscoped.filter(
            accreditation__provider_id=provider.pk,
            is_current=True,
            expires_on__isnull=False,
            expires_on__lte=today + datetime.timedelta(days=EXPIRY_WINDOW_DAYS),
        )
        .exclude(accreditation__status__in=CLOSED_STATUSES)
        .select_related("requirement", "accreditation")
        .order_by("expires_on", "pk")
    )
    return [
        ExpiringDocument(
            evidence=row,
            title=row.requirement.title,
            area_label=row.accreditation.get_area_display(),
            expires_on=row.expires_on,
            days_left=(row.expires_on - today).days,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class MessageFigures:
    open_threads: int
    unread_threads: int
    response_time: str


def message_figures(provider: Provider) -> MessageFigures:
    """Open threads, threads with unread messages, the response-time indicator (3 queries)."""
    threads = Thread.objects_unscoped.filter(provider_id=provider.pk)
    return MessageFigures(
        open_threads=threads.filter(status=ThreadStatus.OPEN).count(),
        unread_threads=unread_threads_count(threads, Side.PROVIDER),
        response_time=response_time_text(usual_response_seconds(provider.pk)),
    )


@dataclass
class Revenue:
    period: Period
    public: int = 0  # a Comune's award (call_award wallets)
    company: int = 0  # a company's welfare plan (company_plan wallets)
    own: int = 0  # the buyer's own money: through the payment provider or a top-up wallet
    till: object = None  # the shop's till takings (vouchers.services.takings.DayTotals)

    @property
    def total(self) -> int:
        """The marketplace purchases (the till's takings are shown apart)."""
        return self.public + self.company + self.own


def revenue(provider: Provider, period: Period) -> Revenue:
    """Captured minus refunded of the provider's intents made in `period`, by the source of
    each leg (one query); for shops, the till's takings of the period (the takings service)."""
    since, until = _bounds(period)
    rows = (
        PaymentLeg.objects_unscoped.filter(
            intent__payee_id=provider.pk,
            intent__created_at__gte=since,
            intent__created_at__lt=until,
            captured__gt=0,
        )
        .exclude(intent__object_type__in=TILL_OBJECT_TYPES)
        .order_by()
        .values("source", "wallet__source_kind")
        .annotate(net=Sum(F("captured") - F("refunded")))
    )
    result = Revenue(period=period)
    for row in rows:
        kind = row["wallet__source_kind"]
        if row["source"] == LegSource.WALLET and kind == WalletSource.CALL_AWARD:
            result.public += row["net"]
        elif row["source"] == LegSource.WALLET and kind == WalletSource.COMPANY_PLAN:
            result.company += row["net"]
        else:
            result.own += row["net"]
    if provider.provider_kind == ProviderKind.SHOP:
        # Reused, not copied: the takings page's own figures (2 queries).
        from benecomune.vouchers.services import takings

        result.till = takings.overall(takings.day_totals(provider.pk, period.start, period.end))
    return result


# --- The whole page and the home card ---------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    provider: Provider
    services: list
    accreditations: list
    documents: list
    messages: MessageFigures
    revenue: Revenue
    rating: Rating

    @property
    def is_shop(self) -> bool:
        return self.provider.provider_kind == ProviderKind.SHOP


def dashboard(
    actor: Actor, provider: Provider, period_key: str = DEFAULT_PERIOD, *, today=None
) -> Dashboard:
    """Every figure of the page, for staff of `provider` (anyone else: PermissionDenied)."""
    require_provider_staff(actor, provider)
    today = today or timezone.localdate()
    return Dashboard(
        provider=provider,
        services=service_counts(provider),
        accreditations=accreditation_rows(provider),
        documents=expiring_documents(provider, today),
        messages=message_figures(provider),
        revenue=revenue(provider, period_of(period_key, today)),
        rating=provider_rating(provider),
    )


def urgent_items(actor: Actor, provider: Provider, *, today=None, limit: int = 3) -> list[dict]:
    """The few most urgent things for the home card, most urgent first: expired documents,
    then unread messages, then documents about to expire (2 queries)."""
    require_provider_staff(actor, provider)
    documents = expiring_documents(provider, today)
    unread = unread_threads_count(
        Thread.objects_unscoped.filter(provider_id=provider.pk), Side.PROVIDER
    )
    items = [{"kind": "expired", "document": d} for d in documents if d.expired]
    if unread:
        items.append({"kind": "unread", "count": unread})
    items += [{"kind": "expiring", "document": d} for d in documents if not d.expired]
    return items[:limit]
