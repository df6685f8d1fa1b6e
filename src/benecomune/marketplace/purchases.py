"""What a citizen may review: completed purchases of a service, from sources registered by the
app that knows them. The payments layer registers "payments.intent" (a captured payment of a
catalogue service, see purchase_sources.py); bookings will register "bookings.booking" (a
completed booking of a free service) the same way:

    register_purchase_source("payments.intent", resolve_intent, intents_of_person)

`resolve(source_id)` returns the `Purchase` (its service, its buyer, whether it is completed)
or None when there is no such purchase; `of_person(person_id)` lists a person's completed
purchases for the page "Le mie recensioni". Who may review (the buyer, or a desk for them) is
decided once, by services.reviews.write_review, not by each source.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Purchase:
    kind: str
    source_id: str
    service: object  # marketplace.Service
    buyer_id: int
    completed: bool
    when: datetime.datetime
    label: str = ""  # e.g. the variant bought

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.source_id


@dataclass(frozen=True)
class PurchaseSource:
    resolve: Callable[[str], Purchase | None]
    of_person: Callable[[int], list[Purchase]]


PURCHASE_SOURCES: dict[str, PurchaseSource] = {}


def register_purchase_source(kind: str, resolve, of_person) -> None:
    PURCHASE_SOURCES[kind] = PurchaseSource(resolve=resolve, of_person=of_person)


def resolve_purchase(kind: str, source_id) -> Purchase:
    """The purchase named by (kind, id); ValidationError (Italian) when there is none."""
    source = PURCHASE_SOURCES.get(kind)
    purchase = source.resolve(str(source_id)) if source is not None else None
    if purchase is None:
        raise ValidationError(_("L'acquisto indicato non esiste."))
    return purchase


def completed_purchases(person_id: int) -> list[Purchase]:
    """Every completed purchase of the person, from every source, newest first."""
    rows = []
    for source in PURCHASE_SOURCES.values():
        rows.extend(p for p in source.of_person(person_id) if p.completed)
    return sorted(rows, key=lambda p: p.when, reverse=True)
