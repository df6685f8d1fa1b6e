"""The payroll export (issue 17 point 7): for a pay period (a month), per employee, what their
plan wallets spent, by legal basis, exempt or taxable, from a converted productivity bonus or
not, with the payroll item code of the company's mapping and, for reimbursements, the year of
the expense (CU, point 701). Pages, files and the API all call `build_export`; each download or
API call records `corporate.payroll_exported`.

Taxable: c.3 fringe benefits when the employee's year (platform spends plus what they declared
from other sources) is over the cap (crossing it makes all of them taxable: the platform refuses
a spend that would cross it, but a later declaration can); a basis with a yearly legal limit
(lett. a health funds) for the part above it, counting earlier months of the year."""

import dataclasses
import datetime
import re
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.corporate import payroll_ledger
from benecomune.corporate.models import (
    BonusConversion,
    DependentChild,
    Employee,
    FringeCap,
    FringeUsage,
    LegalBasis,
    OtherFringeBenefit,
    PlanVersion,
)
from benecomune.corporate.payroll_codes import mapping_for
from benecomune.corporate.plan_wallets import SOURCE_TYPE
from benecomune.ledger.models import Wallet, WalletSource

_PERIOD = (re.compile(r"^(\d{4})-(\d{1,2})$"), re.compile(r"^(\d{1,2})/(\d{4})$"))


@dataclasses.dataclass(frozen=True)
class Period:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year:04d}"

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        zone = ZoneInfo(settings.TIME_ZONE)
        start = datetime.datetime(self.year, self.month, 1, tzinfo=zone)
        nxt = (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)
        return start, datetime.datetime(*nxt, 1, tzinfo=zone)


def current_period(today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today.year, today.month)


def parse_period(text, today: datetime.date | None = None) -> Period:
    """`2026-03` or `03/2026`; a malformed or future month: ValidationError in Italian."""
    text = str(text or "").strip()
    for index, pattern in enumerate(_PERIOD):
        match = pattern.match(text)
        if match:
            year, month = map(int, match.groups()[:: -1 if index else 1])
            break
    else:
        raise ValidationError(
            _("Indichi il periodo di paga come mese e anno, ad esempio 03/2026 (o 2026-03).")
        )
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValidationError(_("Il periodo %(text)s non è un mese valido.") % {"text": text})
    period = Period(year, month)
    if (year, month) > (current_period(today).year, current_period(today).month):
        raise ValidationError(
            _("Il periodo %(period)s è nel futuro: non ci sono ancora spese da esportare.")
            % {"period": period.label}
        )
    return period


@dataclasses.dataclass(frozen=True)
class PayrollRow:
    period: str
    employee_number: str
    fiscal_code: str
    last_name: str
    first_name: str
    plan: str
    item_code: str
    basis_code: str
    basis_reference: str
    exempt: int
    taxable: int
    from_bonus: bool
    expense_year: int | None


@dataclasses.dataclass
class Total:
    basis_code: str
    basis_reference: str
    from_bonus: bool
    exempt: int = 0
    taxable: int = 0


@dataclasses.dataclass
class PayrollExport:
    company: object
    period: Period
    plan: object
    rows: list[PayrollRow]
    totals: list[Total]

    @property
    def total_exempt(self) -> int:
        return sum(t.exempt for t in self.totals)

    @property
    def total_taxable(self) -> int:
        return sum(t.taxable for t in self.totals)


def _split_over_limit(before: int, now: int, limit: int) -> int:
    """The taxable part of `now` given `before` this year and a yearly `limit`."""
    return max(0, max(0, before + now - limit) - max(0, before - limit))


class _Taxability:
    """Which amounts are taxable: fringe over the cap, limited bases over their limit."""

    def __init__(self, company_id: int, period: Period, bases: dict[str, LegalBasis]):
        self.company_id, self.period, self.bases = company_id, period, bases
        self.fringe_over = self._fringe_over()
        limited = [c for c, b in bases.items() if b.legal_limit and not b.is_fringe_benefit]
        self.before = {}
        if limited:
            zone = ZoneInfo(settings.TIME_ZONE)
            year_start = datetime.datetime(period.year, 1, 1, tzinfo=zone)
            self.before = payroll_ledger.spent_by_person(
                company_id, year_start, period.bounds()[0], limited
            )

    def _fringe_over(self) -> set[int]:
        """Employees (ids) whose year's fringe benefits are over the cap."""
        year = self.period.year
        cap = FringeCap.objects.filter(tax_year=year).first()
        used = dict(
            FringeUsage.objects_unscoped.filter(
                company_id=self.company_id, tax_year=year
            ).values_list("employee_id", "used")
        )
        declared = OtherFringeBenefit.objects_unscoped.filter(
            employee__company_id=self.company_id, received_on__year=year
        ).values("employee_id")
        for row in declared.annotate(t=Sum("amount")):
            used[row["employee_id"]] = used.get(row["employee_id"], 0) + row["t"]
        children = set(
            DependentChild.objects_unscoped.filter(
                employee__company_id=self.company_id, tax_year=year
            ).values_list("employee_id", flat=True)
        )
        over = set()
        for employee_id, total in used.items():
            limit = 0
            if cap is not None:
                limit = cap.cap_with_children if employee_id in children else cap.cap
            if total > limit:
                over.add(employee_id)
        return over

    def split(self, employee_id, person_id, basis_code: str, amount: int) -> tuple[int, int]:
        """(exempt, taxable) of `amount` (all the employee's `basis_code` of the period)."""
        basis = self.bases.get(basis_code)
        if basis is None or amount <= 0:
            return amount, 0
        if basis.is_fringe_benefit:
            return (0, amount) if employee_id in self.fringe_over else (amount, 0)
        if basis.legal_limit:
            before = self.before.get((person_id, basis_code), 0)
            taxable = _split_over_limit(before, amount, basis.legal_limit)
            self.before[(person_id, basis_code)] = before + amount
            return amount - taxable, taxable
        return amount, 0


def _wallets(company_id: int, version_ids):
    """wallet account id -> (person id, version id, from bonus)."""
    bonus = set(
        BonusConversion.objects_unscoped.filter(
            company_id=company_id, wallet__isnull=False
        ).values_list("wallet_id", flat=True)
    )
    wallets = Wallet.objects_unscoped.filter(
        organization_id=company_id,
        source_kind=WalletSource.COMPANY_PLAN,
        source_type=SOURCE_TYPE,
    )
    if version_ids is not None:
        wallets = wallets.filter(source_id__in=[str(v) for v in version_ids])
    return {
        w["account_id"]: (w["person_id"], int(w["source_id"]), w["pk"] in bonus)
        for w in wallets.values("pk", "account_id", "person_id", "source_id").iterator()
        if str(w["source_id"]).isdigit()
    }


def _employees(company_id: int) -> dict[int, dict]:
    return {
        e["person_id"]: e
        for e in Employee.objects_unscoped.filter(company_id=company_id)
        .values(
            "pk",
            "person_id",
            "employee_number",
            "person__fiscal_code",
            "person__last_name",
            "person__first_name",
        )
        .iterator()
    }


def _plan_labels(company_id: int) -> dict[int, str]:
    return {
        v["pk"]: f"{v['plan__name']} (v. {v['number']})"
        for v in PlanVersion.objects_unscoped.filter(company_id=company_id).values(
            "pk", "plan__name", "number"
        )
    }


def build_export(actor: Actor, company, period: Period, plan=None) -> PayrollExport:
    """The rows and totals of `period` (all plans, or one `plan` of the company)."""
    actor.require("company.view", company)
    if plan is not None and plan.company_id != company.pk:
        raise PermissionDenied(_("Questo piano non è dell'azienda."))
    version_ids = None
    if plan is not None:
        version_ids = list(
            PlanVersion.objects_unscoped.filter(plan=plan).values_list("pk", flat=True)
        )
    bases = {b.code: b for b in LegalBasis.objects.all()}
    order = {code: index for index, code in enumerate(bases)}
    start, end = period.bounds()
    wallets = _wallets(company.pk, version_ids)
    # (person, version, bonus, basis, year) -> cents; then per (person, basis) for the limits.
    sums = defaultdict(int)
    for account_id, basis, year, total in payroll_ledger.spent(company.pk, start, end, version_ids):
        person_id, version_id, bonus = wallets.get(account_id, (None, None, False))
        sums[(person_id, version_id, bonus, basis, year)] += total
    employees = _employees(company.pk)
    taxability = _Taxability(company.pk, period, bases)
    codes = mapping_for(company.pk)
    labels = _plan_labels(company.pk)
    totals: dict[tuple[str, bool], Total] = {}
    rows = []
    for (person_id, version_id, bonus, basis_code, year), amount in sums.items():
        employee = employees.get(person_id) or {}
        exempt, taxable = taxability.split(employee.get("pk"), person_id, basis_code, amount)
        basis = bases.get(basis_code)
        reference = basis.reference if basis else basis_code
        total = totals.setdefault((basis_code, bonus), Total(basis_code, reference, bonus))
        total.exempt += exempt
        total.taxable += taxable
        for part, is_taxable in ((exempt, False), (taxable, True)):
            if not part:
                continue
            rows.append(
                PayrollRow(
                    period=period.key,
                    employee_number=employee.get("employee_number", ""),
                    fiscal_code=employee.get("person__fiscal_code", ""),
                    last_name=employee.get("person__last_name", ""),
                    first_name=employee.get("person__first_name", ""),
                    plan=labels.get(version_id, ""),
                    item_code=codes.get((basis_code, is_taxable, bonus), ""),
                    basis_code=basis_code,
                    basis_reference=reference,
                    exempt=0 if is_taxable else part,
                    taxable=part if is_taxable else 0,
                    from_bonus=bonus,
                    expense_year=year,
                )
            )
    rows.sort(
        key=lambda r: (
            r.employee_number,
            r.plan,
            order.get(r.basis_code, 99),
            r.from_bonus,
            r.expense_year or 0,
            r.taxable > 0,
        )
    )
    ordered = sorted(totals.values(), key=lambda t: (order.get(t.basis_code, 99), t.from_bonus))
    return PayrollExport(company, period, plan, rows, ordered)


@transaction.atomic
def record_export(actor: Actor, export: PayrollExport, fmt: str) -> None:
    """The audit event of one download or API call of the export."""
    audit.record(
        actor,
        "corporate.payroll_exported",
        export.plan or export.company,
        organization=export.company,
        after={
            "period": export.period.key,
            "plan": export.plan.pk if export.plan else None,
            "format": fmt,
            "rows": len(export.rows),
            "exempt": export.total_exempt,
            "taxable": export.total_taxable,
        },
    )
