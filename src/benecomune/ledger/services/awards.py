"""Opening wallets with their award, in bulk: the ledger side of a call's award.

A call's ranking opens thousands of wallets at once. Their accounts are inserted with the award
already in the stored balance (so `batch.award_many` appends no pending credit,
`credits_preset`), the wallets with the call's rules, their territory, and then the award
transfers, all in one transaction with the `ledger.award_batch` audit event. Callers (calls)
say what to open; only the ledger writes `ledger_*` tables.
"""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.core.bulk import db_value, insert_rows
from benecomune.ledger.models import Account, AccountKind, Fund, Reservation, Wallet
from benecomune.ledger.services.batch import AwardItem, award_many


@dataclasses.dataclass(frozen=True)
class WalletTerms:
    """What every wallet of the batch shares: issuer, title, source and spending rules."""

    organization_id: int
    title: str
    source_kind: str
    source_type: str = ""
    allowed_categories: tuple[str, ...] = ()
    territory_network_id: int | None = None
    territory_municipality_ids: tuple[int, ...] = ()
    valid_from: datetime.date | None = None
    valid_until: datetime.date | None = None


@dataclasses.dataclass(frozen=True)
class WalletAward:
    """One wallet to open for `person_id` and credit with `amount` cents. The transfer names
    the source object (`terms.source_type`, `source_id`) and carries `idempotency_key`."""

    person_id: int
    amount: int
    source_id: str
    idempotency_key: str
    memo: str = ""


@transaction.atomic
def open_wallets_and_award(
    actor: Actor,
    *,
    fund: Fund,
    reservation: Reservation,
    terms: WalletTerms,
    items: list[WalletAward],
) -> list[tuple[int, int]]:
    """Open one wallet per item and pay its amount from `fund`, consuming `reservation`.
    All or nothing. Returns (wallet id, account id) per item, in order. Permission and
    budget checks are `award_many`'s (it refuses before anything is committed)."""
    if not items:
        return []
    now = db_value(timezone.now())
    title = terms.title[:200]
    account_ids = insert_rows(
        Account,
        [
            "organization",
            "person",
            "kind",
            "name",
            "currency",
            "allow_negative",
            "balance",
            "held",
            "created_at",
        ],
        [
            # Opened with the award already in the stored balance (award_many credits_preset).
            (
                terms.organization_id,
                item.person_id,
                AccountKind.WALLET,
                title,
                "EUR",
                False,
                item.amount,
                0,
                now,
            )
            for item in items
        ],
        returning=True,
    )
    categories = db_value(sorted(set(terms.allowed_categories)))
    valid_from, valid_until = db_value(terms.valid_from), db_value(terms.valid_until)
    wallet_ids = insert_rows(
        Wallet,
        [
            "organization",
            "person",
            "account",
            "title",
            "source_kind",
            "source_type",
            "source_id",
            "fund",
            "allowed_categories",
            "territory_network",
            "valid_from",
            "valid_until",
            "nominative",
            "expired_at",
            "created_at",
        ],
        [
            (
                terms.organization_id,
                item.person_id,
                account_id,
                title,
                terms.source_kind,
                terms.source_type,
                str(item.source_id),
                fund.pk,
                categories,
                terms.territory_network_id,
                valid_from,
                valid_until,
                True,
                None,
                now,
            )
            for account_id, item in zip(account_ids, items, strict=True)
        ],
        returning=True,
    )
    if terms.territory_municipality_ids:
        insert_rows(
            Wallet.territory_municipalities.through,
            ["wallet", "municipality"],
            [(w, m) for w in wallet_ids for m in terms.territory_municipality_ids],
        )
    award_many(
        actor,
        fund,
        reservation,
        [
            AwardItem(
                wallet_account_id=account_id,
                amount=item.amount,
                idempotency_key=item.idempotency_key,
                object_type=terms.source_type,
                object_id=str(item.source_id),
                memo=item.memo,
            )
            for account_id, item in zip(account_ids, items, strict=True)
        ],
        credits_preset=True,
    )
    return list(zip(wallet_ids, account_ids, strict=True))
