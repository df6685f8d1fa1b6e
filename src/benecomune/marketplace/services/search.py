"""Searching the public catalogue of a network: text, filters, sorting (docs/marketplace.md,
"Public pages and search").

What shows: `offer.visible_services` (published services of active providers of the network)
whose provider has **published its profile**: the service page links the provider's page, and
a provider that has not published its profile has not chosen to appear in public yet.

Text: on PostgreSQL the stored `search_vector` (kept by a trigger, GIN-indexed, migration
0004_search) matched with `websearch_to_tsquery('italian', ...)` and ranked with `ts_rank`;
on SQLite every word must appear (case-insensitive) in the title, the description or the
provider's name.

"Payable with my wallets": the person's wallets not expired, valid today and with money, each
turned into the SQL form of what the checkout checks (`payments.services.planning.
wallet_refusal`: the wallet's spending policy, then `queries.service_payment_refusal`): a
Comune's award pays services accepting public wallets whose provider is accredited in the
service's area in the award's network, is of one of the call's merchant categories and within
its Comuni or network; a company plan those accepting company plans, accredited, with an
art. 51 category the plan allows; a top-up those accepting own money.
"""

import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.fields import FloatField, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.core.models import Person
from benecomune.ledger.models import Account, Wallet
from benecomune.ledger.services.statements import with_balances
from benecomune.ledger.spending import territory_ids
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationStatus,
    Delivery,
    PriceKind,
    ProviderProfile,
    PublicationStatus,
    Service,
)
from benecomune.marketplace.queries import network_id_of
from benecomune.marketplace.services.offer import visible_services

SEARCH_CONFIG = "italian"
MAX_WORDS = 8  # a longer text is cut: every word is one more condition


class Sort:
    RELEVANCE = "relevance"
    PRICE_ASC = "price"
    PRICE_DESC = "-price"
    NEWEST = "newest"
    NAME = "name"

    CHOICES = [
        (RELEVANCE, _("Più pertinenti")),
        (PRICE_ASC, _("Prezzo crescente")),
        (PRICE_DESC, _("Prezzo decrescente")),
        (NEWEST, _("Più recenti")),
        (NAME, _("Nome")),
    ]


@dataclass(frozen=True)
class Filters:
    """What a search asks; empty values do not filter. Prices in cents."""

    text: str = ""
    user_area: str = ""
    service_type: str = ""
    target_group: str = ""
    municipality: object = None  # a core.Municipality: services that reach it
    delivery: str = ""
    price_min: int | None = None
    price_max: int | None = None
    wallets_of: Person | None = None  # payable with this person's wallets
    sort: str = ""


def public_services(organization) -> QuerySet:
    """What the public pages show of `organization`'s network (a network or a Comune)."""
    return visible_services(organization).filter(
        provider__marketplace_profile__publication=PublicationStatus.PUBLISHED
    )


def search(organization, filters: Filters | None = None, *, on: datetime.date | None = None):
    """The public services of `organization`'s network matching `filters`, sorted; a queryset
    for `core.lists.paged`."""
    filters = filters or Filters()
    on = on or timezone.localdate()
    rows = public_services(organization)
    if filters.user_area:
        rows = rows.filter(user_area=filters.user_area)
    if filters.service_type:
        rows = rows.filter(service_type=filters.service_type)
    if filters.target_group:
        rows = _with_target_group(rows, filters.target_group)
    if filters.delivery:
        rows = rows.filter(delivery=filters.delivery)
    if filters.municipality is not None:
        rows = rows.filter(reaching(filters.municipality))
    rows = _in_price_range(rows, filters.price_min, filters.price_max)
    if filters.wallets_of is not None:
        rows = rows.filter(payable_with(filters.wallets_of, on=on))
    words = filters.text.split()[:MAX_WORDS]
    ranked = False
    if words and connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="websearch")
        rows = rows.filter(search_vector=query).annotate(rank=SearchRank(F("search_vector"), query))
        ranked = True
    elif words:
        for word in words:
            rows = rows.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(provider__name__icontains=word)
            )
    if not ranked:
        rows = rows.annotate(rank=Value(0.0, output_field=FloatField()))
    return rows.defer("search_vector").order_by(*_ordering(filters.sort, ranked))


def _ordering(sort: str, ranked: bool) -> list:
    if sort == Sort.PRICE_ASC:
        return [F("price").asc(nulls_last=True), "title", "pk"]
    if sort == Sort.PRICE_DESC:
        return [F("price").desc(nulls_last=True), "title", "pk"]
    if sort == Sort.NEWEST:
        return [F("published_at").desc(nulls_last=True), "-pk"]
    if sort == Sort.NAME or not ranked:
        return ["title", "pk"]
    return ["-rank", "title", "pk"]


def _with_target_group(rows, group: str):
    if connection.vendor == "postgresql":
        return rows.filter(target_groups__contains=[group])
    # SQLite has no JSON containment: the codes are plain words, so the quoted code in the
    # list's JSON text is exactly one element.
    return rows.annotate(target_text=Cast("target_groups", TextField())).filter(
        target_text__contains=f'"{group}"'
    )


def _in_price_range(rows, price_min: int | None, price_max: int | None):
    """Free services cost 0; "price on request" ones have no price and leave any range."""
    if price_min is None and price_max is None:
        return rows
    priced = Q(price_kind=PriceKind.PRICED)
    if price_min is not None:
        priced &= Q(price__gte=price_min)
    if price_max is not None:
        priced &= Q(price__lte=price_max)
    free_fits = (price_min or 0) <= 0
    return rows.filter(priced | Q(price_kind=PriceKind.FREE) if free_fits else priced)


def reaching(municipality) -> Q:
    """Services a resident of `municipality` can use there: online ones; at home, those
    listing it (or listing no Comune); in person, those of a provider seated there or serving
    it (its profile's Comuni). Subqueries rather than joins: no duplicate rows to remove."""
    served = Service.municipalities_served.through.objects.filter(service_id=OuterRef("pk"))
    by_profile = ProviderProfile.municipalities_served.through.objects.filter(
        providerprofile__provider_id=OuterRef("provider_id"), municipality=municipality
    )
    return (
        Q(delivery=Delivery.ONLINE)
        | (
            Q(delivery=Delivery.AT_HOME)
            & (Q(Exists(served.filter(municipality=municipality))) | ~Q(Exists(served)))
        )
        | (
            Q(delivery=Delivery.IN_PERSON)
            & (Q(provider__municipality=municipality) | Q(Exists(by_profile)))
        )
    )


def spendable_wallets(person: Person, *, on: datetime.date | None = None) -> list[Wallet]:
    """The person's wallets usable today: not expired, within their dates, with money."""
    on = on or timezone.localdate()
    wallets = list(
        Wallet.objects_unscoped.filter(person=person, expired_at__isnull=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .select_related("organization")
    )
    available = {
        a.pk: a.current_balance - a.held
        for a in with_balances(
            Account.objects_unscoped.filter(pk__in=[w.account_id for w in wallets])
        )
    }
    return [w for w in wallets if available.get(w.account_id, 0) > 0]


def _accredited_in_network(network_id, on) -> Exists:
    return Exists(
        Accreditation.objects_unscoped.filter(
            provider_id=OuterRef("provider_id"),
            network_id=network_id,
            area=OuterRef("accreditation_area"),
            status=AccreditationStatus.ACCREDITED,
            valid_from__lte=on,
            valid_until__gte=on,
        )
    )


def _award_rules(wallet: Wallet) -> Q:
    """The award's own spending policy (calls/spending.py: the call's merchant categories, its
    Comuni or its network) on the service's provider, as the checkout applies it."""
    condition = Q()
    if wallet.allowed_categories:
        condition &= Q(provider__category__in=wallet.allowed_categories)
    municipalities = territory_ids(wallet)
    if municipalities:
        condition &= Q(provider__municipality_id__in=municipalities)
    elif wallet.territory_network_id:
        network = wallet.territory_network_id
        condition &= Q(provider__network_id=network) | Q(
            provider__network_id__isnull=True, provider__municipality__network_id=network
        )
    return condition


def wallet_condition(wallet: Wallet, *, on: datetime.date) -> Q | None:
    """`service_payment_refusal(wallet, service) is None` as a condition on Service rows
    (published is already asked by the base list); None when the wallet pays nothing here."""
    if wallet.source_kind == "top_up":
        return Q(accepts_own=True)
    network_id = network_id_of(wallet.organization)
    if wallet.source_kind == "call_award":
        return (
            Q(accepts_public=True)
            & ~Q(accreditation_area="")
            & Q(_accredited_in_network(network_id, on))
            & _award_rules(wallet)
        )
    if wallet.source_kind == "company_plan":
        condition = (
            Q(accepts_company=True)
            & ~Q(accreditation_area="")
            & ~Q(art51_category="")
            & Q(_accredited_in_network(network_id, on))
        )
        if wallet.allowed_categories:
            condition &= Q(art51_category__in=wallet.allowed_categories)
        return condition
    return None  # any other source pays no service (as service_payment_refusal)


def payable_with(person: Person, *, on: datetime.date) -> Q:
    """Services at least one of the person's usable wallets may pay (none: nothing)."""
    conditions = [
        c for c in (wallet_condition(w, on=on) for w in spendable_wallets(person, on=on)) if c
    ]
    if not conditions:
        return Q(pk__in=[])
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined
