"""Rendicontazione: where every euro of a call or a fund went, in cents, read from the ledger
and the payout records.

Per call (awarded = every award ever made, revoked ones included):
- voucher calls: spent = payments from the award wallets (net of reversals); paid = those
  payments in debit notes the bank has paid; returned = expiries and award reversals back to
  the fund; pending = money still in the wallets + spent not yet paid to the merchants;
- reimbursement calls: reimbursed = REIMBURSEMENT transfers of the call's claims; paid = the
  call's payout orders the bank confirmed; returned = what the call's reservation released
  beyond the budget never awarded (unclaimed entitlements at the close, revoked awards);
  pending = the reservation still open (entitlements not yet claimed) + reimbursed not yet paid.
For every call paid + pending + returned = awarded (tests/payouts/test_properties.py).
"""

from collections import defaultdict

from django.db.models import Sum
from django.db.models.functions import Coalesce

from benecomune.calls.models import Award, Call, CallReservation
from benecomune.ledger.models import Account, Fund, Reservation, Transfer, TransferKind
from benecomune.ledger.services.funds import fund_summary
from benecomune.ledger.services.statements import with_balances
from benecomune.payouts.models import (
    DebitNoteLine,
    DebitNoteStatus,
    ExpenseClaim,
    PayoutOrder,
    PayoutStatus,
)


def _sum(qs, field="amount") -> int:
    return qs.aggregate(total=Coalesce(Sum(field), 0))["total"]


def _reservation(call: Call) -> Reservation | None:
    holder = CallReservation.objects.filter(call=call).first()
    return Reservation.objects_unscoped.get(pk=holder.reservation_id) if holder else None


def _wallet_money(wallet_accounts) -> dict:
    """Spent, paid to merchants, returned and still in the wallets, for a set of wallets."""
    transfers = Transfer.objects_unscoped
    spent = (
        _sum(transfers.filter(kind=TransferKind.PAYMENT, debit_account_id__in=wallet_accounts))
        - _sum(
            transfers.filter(
                kind=TransferKind.REVERSAL,
                reversal_of__kind=TransferKind.PAYMENT,
                credit_account_id__in=wallet_accounts,
            )
        )
        - _sum(
            # Money a merchant gave back to the wallet is no longer spent.
            transfers.filter(kind=TransferKind.REFUND, credit_account_id__in=wallet_accounts)
        )
    )
    returned = _sum(
        transfers.filter(kind=TransferKind.EXPIRY, debit_account_id__in=wallet_accounts)
    ) + _sum(
        transfers.filter(
            kind=TransferKind.REVERSAL,
            reversal_of__kind=TransferKind.AWARD,
            debit_account_id__in=wallet_accounts,
        )
    )
    paid = _sum(
        DebitNoteLine.objects.filter(
            live=True, note__status=DebitNoteStatus.PAID, wallet_account_id__in=wallet_accounts
        )
    )
    in_wallets = _sum(
        with_balances(Account.objects_unscoped.filter(pk__in=wallet_accounts)), "current_balance"
    )
    return {"spent": spent, "paid": paid, "returned": returned, "in_wallets": in_wallets}


def call_figures(call: Call) -> dict:
    awards = Award.objects_unscoped.filter(call=call)
    awarded = _sum(awards)
    reservation = _reservation(call)
    figures = {
        "allocated": call.budget,
        "reserved": reservation.open_amount if reservation else 0,
        "awarded": awarded,
        "spent": 0,
        "reimbursed": 0,
        "paid": 0,
        "returned": 0,
        "pending": 0,
        "beneficiaries": awards.count(),
    }
    if call.is_voucher_like:
        wallet_accounts = list(
            awards.filter(wallet__isnull=False).values_list("wallet__account_id", flat=True)
        )
        money = _wallet_money(wallet_accounts)
        figures.update(
            spent=money["spent"],
            paid=money["paid"],
            returned=money["returned"],
            pending=money["in_wallets"] + money["spent"] - money["paid"],
        )
        return figures
    claim_ids = ExpenseClaim.objects_unscoped.filter(call=call).values_list("pk", flat=True)
    reimbursed = _sum(
        Transfer.objects_unscoped.filter(
            kind=TransferKind.REIMBURSEMENT,
            object_type="payouts.expenseclaim",
            object_id__in=[str(pk) for pk in claim_ids],
        )
    )
    paid = _sum(PayoutOrder.objects_unscoped.filter(call_id=call.pk, status=PayoutStatus.PAID))
    never_awarded = (reservation.amount - awarded) if reservation else 0
    figures.update(
        reimbursed=reimbursed,
        paid=paid,
        returned=(reservation.released - never_awarded) if reservation else 0,
        pending=(reservation.open_amount if reservation else 0) + reimbursed - paid,
    )
    return figures


def call_by_municipality(call: Call) -> list[dict]:
    """Awarded, reimbursed and paid per Comune of the beneficiaries."""
    rows = defaultdict(lambda: {"awarded": 0, "reimbursed": 0, "paid": 0, "beneficiaries": 0})
    for org_name, amount in Award.objects_unscoped.filter(call=call).values_list(
        "organization__name", "amount"
    ):
        rows[org_name]["awarded"] += amount
        rows[org_name]["beneficiaries"] += 1
    for org_name, accepted in ExpenseClaim.objects_unscoped.filter(call=call).values_list(
        "organization__name", "accepted_amount"
    ):
        rows[org_name]["reimbursed"] += accepted
    for org_name, amount in PayoutOrder.objects_unscoped.filter(
        call_id=call.pk, status=PayoutStatus.PAID
    ).values_list("claim__organization__name", "amount"):
        rows[org_name]["paid"] += amount
    return [{"name": name, **values} for name, values in sorted(rows.items())]


def fund_figures(fund: Fund) -> dict:
    summary = fund_summary(fund)
    wallet_accounts = list(
        Account.objects_unscoped.filter(wallet__fund=fund).values_list("pk", flat=True)
    )
    money = _wallet_money(wallet_accounts)
    reimbursed = _sum(
        Transfer.objects_unscoped.filter(
            kind=TransferKind.REIMBURSEMENT, debit_account_id=fund.account_id
        )
    )
    paid_claims = _sum(
        PayoutOrder.objects_unscoped.filter(
            fund=fund, beneficiary_kind="person", status=PayoutStatus.PAID
        )
    )
    released = _sum(Reservation.objects_unscoped.filter(account_id=fund.account_id), "released")
    calls = Call.objects_unscoped.filter(fund=fund)
    entitlements = _sum(Award.objects_unscoped.filter(call__in=calls, benefit_type="reimbursement"))
    return {
        "allocated": summary["contributed"],
        "reserved": summary["reserved"],
        "awarded": summary["awarded"] + entitlements,
        "awarded_vouchers": summary["awarded"],
        "awarded_reimbursements": entitlements,
        "spent": money["spent"],
        "reimbursed": reimbursed,
        "paid": money["paid"] + paid_claims,
        "returned": summary["returned"] + released,
        "balance": summary["balance"],
        "available": summary["available"],
        "contributors": summary["contributors"],
        "calls": [(call, call_figures(call)) for call in calls.order_by("title")],
    }


def organization_overview(organization_ids) -> dict:
    """Every fund of the organisations, with totals by fund origin and by Comune."""
    funds = list(
        Fund.objects_unscoped.filter(organization_id__in=organization_ids)
        .select_related("organization")
        .order_by("organization__name", "name")
    )
    rows = [(fund, fund_figures(fund)) for fund in funds]
    keys = ("allocated", "awarded", "spent", "reimbursed", "paid", "returned", "balance")
    by_origin, by_comune = defaultdict(dict), defaultdict(dict)
    for fund, figures in rows:
        for key in keys:
            origin = by_origin[fund.get_origin_display()]
            origin[key] = origin.get(key, 0) + figures[key]
            comune = by_comune[fund.organization.name]
            comune[key] = comune.get(key, 0) + figures[key]
    return {
        "funds": rows,
        "by_origin": sorted(by_origin.items()),
        "by_comune": sorted(by_comune.items()),
        "keys": keys,
    }


__all__ = [
    "call_by_municipality",
    "call_figures",
    "fund_figures",
    "organization_overview",
]
