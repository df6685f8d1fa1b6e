"""What the award and the final ranking will do, shown before the user confirms them.

Each summary carries a fingerprint of the ids and amounts it shows (core.confirmation); the
action (`award_call`, `build_ranking` of the final ranking) receives it back and refuses to
move anything if the data changed in between. The per-Comune figures come from
`shares.allocate`, the one function that decides who is funded, so the summary, the ranking
and the award cannot disagree.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from benecomune.calls.models import (
    Application,
    Award,
    Call,
    CallReservation,
    Ranking,
    RankingEntry,
    RankingKind,
)
from benecomune.calls.services.ranking import PENDING, admitted_rows, final_fingerprint
from benecomune.calls.services.shares import allocate, plan_for, ranking_allocation, totals_rows
from benecomune.core.confirmation import check_confirmed, fingerprint
from benecomune.ledger.services.funds import fund_summary

CHUNK = 5000


@dataclass(frozen=True)
class ComuneLine:
    """One Comune in a summary: how many of its residents are funded, for how much."""

    name: str
    count: int
    total: int
    share: int


@dataclass(frozen=True)
class AwardSummary:
    count: int  # funded applications to award
    total: int  # cents
    by_comune: list[ComuneLine]
    fund_name: str
    fund_available: int  # the fund's free balance now
    budget: int  # the call's budget, reserved on the fund at publication
    budget_left: int  # the budget not awarded: it goes back to the fund's free balance
    fund_available_after: int
    agrees: bool  # the stored ranking agrees with the shares (else the award is refused)
    fingerprint: str
    voucher: bool = False


@dataclass(frozen=True)
class FinalSummary:
    admitted: int
    count: int  # applications the final ranking would fund
    total: int
    by_comune: list[ComuneLine]
    appeal_until: datetime.datetime | None
    window_open: bool
    pending_appeals: int  # appeals accepted and not decided again yet
    fingerprint: str
    provisional_count: int = 0
    provisional_total: int = 0


def _lines(totals) -> list[ComuneLine]:
    return [
        ComuneLine(
            name=row["name"],
            count=row["totals"].funded,
            total=row["totals"].awarded,
            share=row["totals"].share,
        )
        for row in totals_rows(totals)
    ]


def final_ranking(call: Call) -> Ranking | None:
    return Ranking.objects.filter(call=call, kind=RankingKind.FINAL, complete=True).first()


def award_fingerprint(call: Call, ranking: Ranking | None) -> str:
    """The final ranking's funded applications and amounts, in order (not whether they are
    awarded yet: a resumed award carries on under the same confirmation)."""
    if ranking is None:
        return fingerprint("award", call.pk, None)
    rows = (
        RankingEntry.objects.filter(ranking=ranking, funded=True)
        .order_by("position")
        .values_list("application_id", "amount")
        .iterator(chunk_size=CHUNK)
    )
    return fingerprint("award", call.pk, ranking.pk, rows=rows)


def summarise_award(call: Call) -> AwardSummary | None:
    """What "Assegna i contributi" will do; None without a final ranking."""
    call = Call.objects_unscoped.select_related("fund", "organization").get(pk=call.pk)
    ranking = final_ranking(call)
    if ranking is None:
        return None
    allocation, agrees = ranking_allocation(ranking)
    total = allocation.funded_total
    reservation = CallReservation.objects.select_related("reservation").get(call=call).reservation
    already = sum(Award.objects_unscoped.filter(call=call).values_list("amount", flat=True))
    # What the award's last step releases: vouchers consume the reservation as they are paid,
    # reimbursements keep the awarded amount reserved for the claims (award._finish).
    to_pay = total - already if call.is_voucher_like else total
    released = max(reservation.open_amount - to_pay, 0)
    available = fund_summary(call.fund)["available"]
    return AwardSummary(
        count=allocation.funded_count,
        total=total,
        by_comune=_lines(allocation.totals),
        fund_name=call.fund.name,
        fund_available=available,
        budget=call.budget,
        budget_left=call.budget - total,
        fund_available_after=available + released,
        agrees=agrees,
        fingerprint=award_fingerprint(call, ranking),
        voucher=call.is_voucher_like,
    )


def summarise_final(call: Call) -> FinalSummary:
    """What "Rendi definitiva" will do: the ranking as it would be built now, the appeal
    window and the appeals still to decide."""
    call = Call.objects_unscoped.get(pk=call.pk)
    rows = admitted_rows(call)
    allocation = allocate([(amount, org) for _pk, _score, amount, org in rows], plan_for(call))
    provisional = Ranking.objects.filter(
        call=call, kind=RankingKind.PROVISIONAL, complete=True
    ).first()
    appeal_until = call.appeal_until
    return FinalSummary(
        admitted=len(rows),
        count=allocation.funded_count,
        total=allocation.funded_total,
        by_comune=_lines(allocation.totals),
        appeal_until=appeal_until,
        window_open=bool(appeal_until and timezone.now() < appeal_until),
        pending_appeals=Application.objects_unscoped.filter(call=call, status__in=PENDING).count(),
        fingerprint=final_fingerprint(call, rows),
        provisional_count=provisional.funded_count if provisional else 0,
        provisional_total=provisional.funded_total if provisional else 0,
    )


def current_fingerprint(call: Call, what: str) -> str:
    if what == "award":
        return award_fingerprint(call, final_ranking(call))
    return final_fingerprint(call, admitted_rows(call))


def check_confirmation(call: Call, what: str, *, confirmed: bool, expected: str) -> str:
    """Before the job starts: the user ticked "Ho verificato il riepilogo" and the summary
    they saw is still the current one. Returns the fingerprint the job checks again."""
    check_confirmed(expected, current_fingerprint(call, what), confirmed=confirmed)
    return expected
