"""The open dataset "valore condiviso": per public social project (with its Comune or network)
and month, the shares raised (net of what refunds and voids gave back), what was disbursed to
the beneficiary body, the purchases that gave a share and the merchants they were made at.

Read from the SHARED_VALUE transfers of the projects' ledger accounts (as the project pages and
the dashboards' table), one row per movement; not a rollup. A payment's share counts in the
month of the payment (the month of its first share), net of later refunds and voids, as the
spending dataset counts corrections against the payment; a purchase counts while its share is
not all given back. Disbursements count in the month they were made.

Suppression (services/suppression.py, the shared helpers): the figures are about no person,
but a month's shares at one or two merchants would let one read a merchant's welfare takings
(the share is a known percentage of them) or let one of two merchants read the other's by
subtracting its own. So the unit counted is the merchant: a project (group) is reserved whole
when fewer than k merchants ever gave to it (`OBSERVATORY_MIN_MERCHANTS`, default and floor 3,
SISTAN's minimum per aggregate cell); a month (cell) with fewer than k merchants has raised,
purchases and merchants reserved, with complementary suppression of another month so that the
project's total does not give it back. Disbursed stays public in a published project: it is the
Comune's or network's payment to a third-sector body, public by transparency rules.
Known limit: a disbursement emptying the project's account equals what was raised until then,
so with the published months it can give back the sum of the reserved months before it.

The public project page prints the same figures (`project_table`, through `published`), so the
page's month-by-month table reserves what the CSV reserves."""

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from benecomune.ledger.models import AccountKind, Transfer, TransferKind
from benecomune.observatory.services.suppression import Cell, Group, min_merchants, suppress

COLUMNS = (
    "tipo_ente",
    "codice_istat",
    "ente",
    "id_progetto",
    "progetto",
    "mese",
    "raccolto_euro",
    "erogato_euro",
    "transazioni",
    "esercenti",
)


def _projects(only: int | None = None) -> dict:
    """Public projects (raising or closed) by their ledger account; `only`: that one."""
    from benecomune.observatory.models import SocialProject
    from benecomune.observatory.services.shared_value_routing import PUBLIC

    projects = SocialProject.objects_unscoped.filter(status__in=PUBLIC).select_related(
        "organization"
    )
    if only is not None:
        projects = projects.filter(pk=only)
    return {p.account_id: p for p in projects}


def _month(when):
    return timezone.localtime(when).date().replace(day=1)


def figures(projects: dict) -> tuple[dict, dict]:
    """(payments, disbursed): per (project account, payment id) [net share, merchant, month];
    per (project account, month) cents disbursed."""
    payments: dict[tuple, list] = {}
    disbursed: dict[tuple, int] = defaultdict(int)
    moves = (
        Transfer.objects_unscoped.filter(kind=TransferKind.SHARED_VALUE)
        .filter(Q(credit_account_id__in=projects) | Q(debit_account_id__in=projects))
        .values_list(
            "object_id", "amount", "created_at", "debit_account_id", "credit_account_id",
            "debit_account__kind", "credit_account__kind",
            "debit_account__organization_id", "credit_account__organization_id",
        )
        .order_by("pk")
    )  # fmt: skip
    for (
        payment,
        amount,
        when,
        debit,
        credit,
        debit_kind,
        credit_kind,
        debit_org,
        credit_org,
    ) in moves.iterator(chunk_size=5_000):
        if credit in projects and debit_kind == AccountKind.MERCHANT:
            entry = payments.setdefault((credit, payment), [0, debit_org, _month(when)])
            entry[0] += amount
            entry[2] = min(entry[2], _month(when))
        elif debit in projects and credit_kind == AccountKind.MERCHANT:
            entry = payments.setdefault((debit, payment), [0, credit_org, _month(when)])
            entry[0] -= amount
        elif debit in projects:
            disbursed[(debit, _month(when))] += amount
    return payments, disbursed


def groups(k: int | None = None, only: int | None = None) -> tuple[list[Group], dict, dict]:
    """The suppressed groups (one per project with movements, cells per month), the cents
    disbursed per (account, month) and the projects by account. `only`: one project's (its
    group is the same: each project is suppressed on its own)."""
    projects = _projects(only)
    payments, disbursed = figures(projects)
    cells: dict[tuple, list] = defaultdict(lambda: [0, 0, set()])
    givers: dict[int, set] = defaultdict(set)
    for (account, _payment), (net, merchant, month) in payments.items():
        if net <= 0:
            continue
        cell = cells[(account, month)]
        cell[0] += net
        cell[1] += 1
        cell[2].add(merchant)
        givers[account].add(merchant)
    for account, month in disbursed:
        cells[(account, month)]  # a month with a disbursement only: nothing raised
    by_project: dict[int, list[Cell]] = defaultdict(list)
    for (account, month), (amount, count, merchants) in cells.items():
        by_project[account].append(Cell((account, month), amount, count, len(merchants)))
    out = []
    for account in sorted(by_project, key=lambda a: _order(projects[a])):
        months = sorted(by_project[account], key=lambda c: c.key[1])
        raising = [c for c in months if c.count or c.amount]
        group = Group((account,), raising, len(givers[account]))
        suppress([group], min_merchants() if k is None else k)
        group.cells = months  # the months with a disbursement only, back in their place
        out.append(group)
    return out, disbursed, projects


def _order(project):
    return (project.organization.kind != "municipality", project.organization.name,
            project.title, project.pk)  # fmt: skip


def published(group: Group, disbursed: dict) -> tuple[list[tuple], list]:
    """A project's figures as published, a reserved one None: per month (its first day)
    [raised, disbursed, purchases, merchants], and the project's total. The CSV and the public
    project page both print these."""
    months = []
    for cell in group.cells:
        figures = [cell.amount, disbursed.get(cell.key, 0), cell.count, cell.persons]
        if group.suppressed:
            figures = [None] * 4
        elif cell.suppressed:
            figures = [None, figures[1], None, None]
        months.append((cell.key[1], figures))
    account = group.key[0]
    given = sum(v for (a, _m), v in disbursed.items() if a == account)
    total = [group.total_amount, given, group.total_count, group.total_persons]
    return months, [None] * 4 if group.suppressed else total


def project_table(project, k: int | None = None) -> dict | None:
    """The public project page's month-by-month table: the project's rows of the dataset, from
    the same groups and suppression (None: nothing moved yet). `months`: [{"day", "figures"}],
    `total`: figures as `published` gives them; `whole`: the project is reserved whole;
    `reserved`: some figure is."""
    built, disbursed, _projects = groups(k, only=project.pk)
    if not built:
        return None
    (group,) = built
    months, total = published(group, disbursed)
    return {
        "months": [{"day": day, "figures": figures} for day, figures in months],
        "total": total,
        "whole": group.suppressed,
        "reserved": any(None in figures for _day, figures in months),
    }


def rows(k: int | None = None) -> list[list[str]]:
    from benecomune.core.models import Municipality
    from benecomune.observatory.services.datasets import SUPPRESSED, TOTAL, euro

    def text(figures):
        money = [SUPPRESSED if v is None else euro(v) for v in figures[:2]]
        return money + [SUPPRESSED if v is None else str(v) for v in figures[2:]]

    built, disbursed, projects = groups(k)
    codes = dict(Municipality.objects.values_list("pk", "istat_code"))
    out = []
    for group in built:
        project = projects[group.key[0]]
        party = project.organization
        label = [
            "rete" if party.kind == "network" else "comune",
            codes.get(party.pk, ""),
            party.name,
            str(project.pk),
            project.title,
        ]
        months, total = published(group, disbursed)
        out.extend([*label, day.strftime("%Y-%m"), *text(f)] for day, f in months)
        out.append([*label, TOTAL, *text(total)])
    return out
