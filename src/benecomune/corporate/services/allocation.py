"""Allocating a plan version's credit to employees' plan wallets, in the background.

All or nothing per run: the run is planned under the version's row lock (who is owed what,
by `credit_for` with the pro-rata rule, plus converted bonuses), and the whole amount is
reserved on the version's fund at once (`funds.reserve`, like a call's budget). If the fund's
available money does not cover it, nothing is allocated and HR is told how much is missing.
Then the wallets are paid in chunks (one transaction each, progress reported); what was not
used of the reservation goes back at the end.

Idempotent: every chunk re-reads what each employee already got (`CreditAllocation`) under
the same lock and pays only the difference, with a ledger key naming the employee and the
cumulative amount, so a re-run pays new hires and nobody twice, and two runs at once cannot
both pay (the second is refused while the first runs). A leaver gets the pro-rata of their
months in service; credit already paid to someone who left later is not taken back (a wallet
is only debited to pay, on expiry or by a reversal): the run reports them.
"""

import dataclasses
from collections import defaultdict
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.corporate.credit import credit_for
from benecomune.corporate.models import (
    AllocationKind,
    AllocationRun,
    BonusConversion,
    CreditAllocation,
    Employee,
    PlanStatus,
    PlanVersion,
    RunStatus,
)
from benecomune.corporate.services.funding import employees_in_period, ledger_actor, plan_fund
from benecomune.corporate.spending import plan_categories
from benecomune.ledger.models import Account, Reservation, Transfer, Wallet, WalletSource
from benecomune.ledger.money import format_euro
from benecomune.ledger.services import funds
from benecomune.ledger.services.awards import WalletAward, WalletTerms, open_wallets_and_award
from benecomune.ledger.services.batch import AwardItem, award_many

CHUNK = 1000
# A run still "running" after this long was interrupted (its worker died): the next run
# releases its reservation and takes over.
STALE_AFTER = timedelta(hours=1)
SOURCE_TYPE = "corporate.planversion"


@dataclasses.dataclass(frozen=True)
class Owed:
    employee_id: int
    person_id: int
    kind: str  # AllocationKind.PLAN or BONUS
    target: int  # what the employee should have in total, cents
    conversion_ids: tuple[int, ...] = ()


def wallet_title(version: PlanVersion, kind: str) -> str:
    if kind == AllocationKind.BONUS:
        return _("Premio di risultato convertito — %(name)s") % {"name": version.plan.name}
    return _("Welfare aziendale — %(name)s") % {"name": version.plan.name}


def wallet_categories(version: PlanVersion) -> list[str]:
    """The categories stored on the version's wallets: those its legal bases cover
    (`corporate.spending.plan_categories`, which owns the rule)."""
    return plan_categories(version=version)


def wallet_terms(version: PlanVersion, kind: str) -> WalletTerms:
    return WalletTerms(
        organization_id=version.company_id,
        title=wallet_title(version, kind),
        source_kind=WalletSource.COMPANY_PLAN,
        source_type=SOURCE_TYPE,
        allowed_categories=tuple(wallet_categories(version)),
        valid_from=version.starts_on,
        valid_until=version.ends_on,
    )


def allocated_by_employee(version: PlanVersion, employee_ids=None) -> dict[tuple[int, str], int]:
    rows = CreditAllocation.objects_unscoped.filter(
        version=version, kind__in=[AllocationKind.PLAN, AllocationKind.BONUS]
    )
    if employee_ids is not None:
        rows = rows.filter(employee_id__in=list(employee_ids))
    return {
        (r["employee_id"], r["kind"]): r["total"]
        for r in rows.values("employee_id", "kind").annotate(total=Sum("amount"))
    }


def owed(version: PlanVersion) -> tuple[list[Owed], list[int]]:
    """What each employee should have in total (plan credit, converted bonus), and the
    employees who already got more plan credit than the pro-rata gives them now."""
    groups = list(version.group_rows())
    targets = []
    for employee in employees_in_period(version).order_by("pk").iterator(chunk_size=2000):
        amount = credit_for(version, employee, groups).amount
        if amount:
            targets.append(Owed(employee.pk, employee.person_id, AllocationKind.PLAN, amount))
    # Converted bonuses: one bonus wallet per employee and version, whatever the years.
    bonuses: dict[int, list] = {}
    for conversion in BonusConversion.objects_unscoped.filter(version=version).select_related(
        "employee"
    ):
        entry = bonuses.setdefault(conversion.employee_id, [conversion.employee.person_id, 0, []])
        entry[1] += conversion.amount
        entry[2].append(conversion.pk)
    for employee_id, (person_id, amount, ids) in sorted(bonuses.items()):
        targets.append(Owed(employee_id, person_id, AllocationKind.BONUS, amount, tuple(ids)))
    got = allocated_by_employee(version)
    plan_targets = {o.employee_id: o.target for o in targets if o.kind == AllocationKind.PLAN}
    over = sorted(
        employee_id
        for (employee_id, kind), total in got.items()
        if kind == AllocationKind.PLAN and total > plan_targets.get(employee_id, 0)
    )
    return targets, over


def _still_owed(targets: list[Owed], got: dict) -> list[tuple[Owed, int]]:
    pairs = []
    for item in targets:
        missing = item.target - got.get((item.employee_id, item.kind), 0)
        if missing > 0:
            pairs.append((item, missing))
    return pairs


def _locked_version(version: PlanVersion) -> PlanVersion:
    return (
        PlanVersion.objects_unscoped.select_for_update()
        .select_related("plan", "company")
        .get(pk=version.pk)
    )


def _abandon(actor: Actor, run: AllocationRun, message: str) -> None:
    """Mark a run failed and give its reservation's open amount back to the fund."""
    if run.reservation_id:
        reservation = Reservation.objects_unscoped.get(pk=run.reservation_id)
        if reservation.open_amount:
            funds.release(
                ledger_actor(actor, run.company_id),
                reservation,
                reason=_("Assegnazione interrotta"),
            )
    AllocationRun.objects_unscoped.filter(pk=run.pk).update(
        status=RunStatus.FAILED, finished_at=timezone.now(), message=message[:300]
    )


@transaction.atomic
def start_allocation(actor: Actor, version: PlanVersion) -> AllocationRun:
    """Plan a run and reserve its whole amount on the fund, or refuse and change nothing."""
    actor.require("company.manage", version.company_id)
    version = _locked_version(version)
    if version.status != PlanStatus.APPROVED:
        raise ValidationError(_("Si assegna il credito solo di un piano approvato."))
    if version.ends_on < timezone.localdate():
        raise ValidationError(_("Il periodo del piano è finito: non si assegna altro credito."))
    for running in AllocationRun.objects_unscoped.filter(version=version, status=RunStatus.RUNNING):
        if running.started_at > timezone.now() - STALE_AFTER:
            raise ValidationError(
                _("C'è già un'assegnazione in corso per questo piano: attenda che finisca.")
            )
        _abandon(actor, running, _("Interrotta e ripresa da una nuova assegnazione."))
    targets, over = owed(version)
    todo = _still_owed(targets, allocated_by_employee(version))
    total = sum(missing for _item, missing in todo)
    run = AllocationRun.objects_unscoped.create(
        version=version,
        company_id=version.company_id,
        planned_count=len(todo),
        planned_total=total,
        started_by=actor.user,
    )
    if total:
        found = plan_fund(version)
        available = funds.fund_summary(found.fund)["available"] if found else 0
        if available < total:
            raise ValidationError(
                _(
                    "Il fondo del piano non basta: servono %(total)s per %(n)s dipendenti, "
                    "disponibili %(available)s. Registri i bonifici dell'azienda (mancano "
                    "%(missing)s): nessun credito è stato assegnato."
                )
                % {
                    "total": format_euro(total),
                    "n": len(todo),
                    "available": format_euro(available),
                    "missing": format_euro(total - available),
                }
            )
        reservation = funds.reserve(
            ledger_actor(actor, version.company_id),
            found.fund,
            total,
            obj=run,
            reason=_("Assegnazione del credito del piano"),
            idempotency_key=f"corporate:alloc-run:{run.pk}",
        )
        run.reservation_id = reservation.pk
    if over:
        run.message = _(
            "%(n)s dipendenti cessati hanno già più credito di quanto spetti ora: il credito "
            "assegnato non si toglie."
        ) % {"n": len(over)}
    run.save(update_fields=["reservation_id", "message"])
    audit.record(
        actor,
        "corporate.allocation_started",
        version,
        organization=version.company_id,
        after={"run": run.pk, "employees": len(todo), "total": total, "over": over[:50]},
    )
    return run


def execute_allocation(actor: Actor, run: AllocationRun, progress=None) -> dict:
    """Pay a planned run in chunks. Safe to run again (a finished run does nothing)."""
    run = AllocationRun.objects_unscoped.select_related("version__plan").get(pk=run.pk)
    if run.status != RunStatus.RUNNING:
        return run_summary(run)
    version = run.version
    targets, _over = owed(version)
    total = len(targets)
    try:
        for start in range(0, total, CHUNK):
            _pay_chunk(actor, run, targets[start : start + CHUNK])
            if progress:
                progress(min(start + CHUNK, total), total)
        _finish(actor, run)
    except Exception as exc:
        with transaction.atomic():
            _abandon(actor, run, str(exc))
        raise
    run.refresh_from_db()
    return run_summary(run)


ALLOCATE_JOB = "corporate.allocate"


@transaction.atomic
def launch_allocation(actor: Actor, version: PlanVersion):
    """Plan the run (refused with a message, changing nothing, when the fund does not cover
    it) and start the background job that pays it (`funding_jobs.allocate_job`)."""
    from benecomune.core.services.jobs import start_job

    run = start_allocation(actor, version)
    return start_job(
        actor,
        version.company,
        ALLOCATE_JOB,
        _("Assegnazione del credito: %(name)s") % {"name": version.plan.name},
        {"run": run.pk},
    )


def allocate(actor: Actor, version: PlanVersion, progress=None) -> dict:
    """Plan and pay in one go (commands, tests): the job runs the two halves."""
    return execute_allocation(actor, start_allocation(actor, version), progress)


def _wallets(version: PlanVersion, employee_ids) -> dict[tuple[int, str], tuple[int, int]]:
    """(employee, kind) -> (wallet id, account id) of wallets already opened."""
    found = {}
    for employee_id, kind, wallet_id, account_id in CreditAllocation.objects_unscoped.filter(
        version=version, employee_id__in=employee_ids
    ).values_list("employee_id", "kind", "wallet_id", "wallet__account_id"):
        key = AllocationKind.BONUS if kind == AllocationKind.BONUS else AllocationKind.PLAN
        found.setdefault((employee_id, key), (wallet_id, account_id))
    return found


@transaction.atomic
def _pay_chunk(actor: Actor, run: AllocationRun, chunk: list[Owed]) -> None:
    version = _locked_version(run.version)  # serialises with other runs' planning
    ids = [item.employee_id for item in chunk]
    todo = _still_owed(chunk, allocated_by_employee(version, ids))
    if not todo:
        return
    reservation = Reservation.objects_unscoped.get(pk=run.reservation_id)
    fund = plan_fund(version).fund
    amount = sum(m for _i, m in todo)
    if amount > reservation.open_amount:
        raise ValidationError(
            _("L'assegnazione supera quanto prenotato: il personale o il piano sono cambiati.")
        )
    lactor = ledger_actor(actor, version.company_id)
    existing = _wallets(version, ids)
    new_by_kind, top_ups, keys = defaultdict(list), [], {}
    for item, missing in todo:
        key = f"corporate:alloc:{version.pk}:{item.employee_id}:{item.kind}:{item.target}"
        keys[(item.employee_id, item.kind)] = key
        memo = _("Credito welfare %(name)s") % {"name": version.plan.name}
        if (item.employee_id, item.kind) in existing:
            top_ups.append(
                AwardItem(
                    wallet_account_id=existing[(item.employee_id, item.kind)][1],
                    amount=missing,
                    idempotency_key=key,
                    object_type=SOURCE_TYPE,
                    object_id=str(version.pk),
                    memo=memo,
                )
            )
        else:
            new_by_kind[item.kind].append((item, missing, key, memo))
    opened = {}
    for kind, rows in new_by_kind.items():
        pairs = open_wallets_and_award(
            lactor,
            fund=fund,
            reservation=reservation,
            terms=wallet_terms(version, kind),
            items=[
                WalletAward(
                    person_id=item.person_id,
                    amount=missing,
                    source_id=str(version.pk),
                    idempotency_key=key,
                    memo=memo,
                )
                for item, missing, key, memo in rows
            ],
        )
        for (item, *_rest), pair in zip(rows, pairs, strict=True):
            opened[(item.employee_id, kind)] = pair
        reservation.refresh_from_db()
    if top_ups:
        award_many(lactor, fund, reservation, top_ups)
    wallet_of = {**existing, **opened}
    transfer_ids = dict(
        Transfer.objects_unscoped.filter(idempotency_key__in=list(keys.values())).values_list(
            "idempotency_key", "pk"
        )
    )
    rows = CreditAllocation.objects_unscoped.bulk_create(
        [
            CreditAllocation(
                version=version,
                company_id=version.company_id,
                employee_id=item.employee_id,
                kind=item.kind,
                run=run,
                wallet_id=wallet_of[(item.employee_id, item.kind)][0],
                amount=missing,
                transfer_id=transfer_ids[keys[(item.employee_id, item.kind)]],
            )
            for item, missing in todo
        ]
    )
    for item, _missing in todo:
        if item.kind == AllocationKind.BONUS:
            BonusConversion.objects_unscoped.filter(
                pk__in=item.conversion_ids, wallet__isnull=True
            ).update(wallet_id=wallet_of[(item.employee_id, item.kind)][0])
    audit.record_many(
        actor,
        "corporate.credit_allocated",
        [
            (
                row,
                version.company_id,
                item.person_id,
                {"amount": row.amount, "kind": row.kind, "wallet": row.wallet_id, "run": run.pk},
                f"{version.plan.name} v{version.number}",
            )
            for row, (item, _m) in zip(rows, todo, strict=True)
        ],
    )
    AllocationRun.objects_unscoped.filter(pk=run.pk).update(
        paid_count=run.paid_count + len(todo), paid_total=run.paid_total + amount
    )
    run.paid_count += len(todo)
    run.paid_total += amount


@transaction.atomic
def _finish(actor: Actor, run: AllocationRun) -> None:
    run = AllocationRun.objects_unscoped.select_for_update().get(pk=run.pk)
    if run.reservation_id:
        reservation = Reservation.objects_unscoped.get(pk=run.reservation_id)
        if reservation.open_amount:
            funds.release(
                ledger_actor(actor, run.company_id),
                reservation,
                reason=_("Fine dell'assegnazione: resto della prenotazione"),
            )
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    audit.record(
        actor,
        "corporate.allocation_finished",
        run.version,
        organization=run.company_id,
        after={"run": run.pk, "employees": run.paid_count, "total": run.paid_total},
    )


def run_summary(run: AllocationRun) -> dict:
    return {
        "run": run.pk,
        "status": run.status,
        "planned_count": run.planned_count,
        "planned_total": run.planned_total,
        "paid_count": run.paid_count,
        "paid_total": run.paid_total,
        "message": run.message,
    }


def plan_wallets(version: PlanVersion, employee: Employee, kind: str = AllocationKind.PLAN):
    """The employee's wallets of the version of one kind (plan credit, converted bonus)."""
    kinds = [kind]
    if kind == AllocationKind.PLAN:
        kinds.append(AllocationKind.CARRY_OVER)
    ids = CreditAllocation.objects_unscoped.filter(
        version=version, employee=employee, kind__in=kinds
    ).values("wallet_id")
    return Wallet.objects_unscoped.filter(pk__in=ids)


def wallet_balance_total(wallet_ids) -> int:
    from benecomune.ledger.services.statements import with_balances

    accounts = Wallet.objects_unscoped.filter(pk__in=wallet_ids).values("account_id")
    return sum(
        with_balances(Account.objects_unscoped.filter(pk__in=accounts)).values_list(
            "current_balance", flat=True
        )
    )
