"""The dashboards' "Valore condiviso" table: raised and disbursed per social project.

Read from the projects' ledger accounts with two grouped sums over SHARED_VALUE transfers
(by credited and by debited account, both indexed foreign keys), never one row per payment:

- a Comune sees its projects, a network its own projects and those of its member Comuni (the
  "Comune o rete" column names the party: a network's project is the network's, never counted
  under a member Comune);
- a merchant or provider sees what it gave, per project (from its receivable account);
- a company has no shared value: no table.

Raised = merchants' shares in - shares given back by refunds and voids; disbursed = project →
Comune's payable (the payout to the beneficiary body). Period filter on the transfers' time,
Comune filter on the project's Comune (so a network's own projects leave the table when a
Comune is chosen: they belong to no single Comune)."""

import datetime
from collections import defaultdict

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.models import OrganizationKind
from benecomune.ledger.models import Account, AccountKind, Transfer, TransferKind
from benecomune.observatory.dashboards.scope import ISSUERS, Audience, Filters
from benecomune.observatory.dashboards.tables import Money, Table
from benecomune.observatory.models import SocialProject


def _period(moves, filters: Filters):
    if filters.date_from:
        start = datetime.datetime.combine(filters.date_from, datetime.time.min)
        moves = moves.filter(created_at__gte=timezone.make_aware(start))
    if filters.date_to:
        end = datetime.datetime.combine(
            filters.date_to + datetime.timedelta(days=1), datetime.time.min
        )
        moves = moves.filter(created_at__lt=timezone.make_aware(end))
    return moves


def _sums(moves, account_field: str, other_kind_field: str) -> dict[tuple[int, str], int]:
    rows = moves.values(account_field, other_kind_field).annotate(t=Sum("amount")).order_by()
    return {(r[account_field], r[other_kind_field]): r["t"] or 0 for r in rows}


def figures(audience: Audience, filters: Filters) -> list[dict]:
    """[{project, raised, disbursed}] for the audience (see the module's docstring)."""
    projects = SocialProject.objects_unscoped.select_related("organization")
    if audience.side == ISSUERS:
        projects = projects.filter(organization_id__in=audience.tenant_ids)
    if filters.comune_id:
        projects = projects.filter(organization_id=filters.comune_id)
    projects = {p.account_id: p for p in projects.order_by("organization__name", "title")}
    moves = _period(Transfer.objects_unscoped.filter(kind=TransferKind.SHARED_VALUE), filters)
    raised: dict[int, int] = defaultdict(int)
    disbursed: dict[int, int] = defaultdict(int)
    if audience.side == ISSUERS:
        ins = _sums(moves.filter(credit_account_id__in=projects), "credit_account_id",
                    "debit_account__kind")  # fmt: skip
        outs = _sums(moves.filter(debit_account_id__in=projects), "debit_account_id",
                     "credit_account__kind")  # fmt: skip
    else:
        merchant_accounts = list(
            Account.objects_unscoped.filter(
                organization_id__in=audience.tenant_ids, kind=AccountKind.MERCHANT
            ).values_list("pk", flat=True)
        )
        ins = _sums(moves.filter(debit_account_id__in=merchant_accounts,
                                 credit_account_id__in=projects),
                    "credit_account_id", "debit_account__kind")  # fmt: skip
        outs = _sums(moves.filter(credit_account_id__in=merchant_accounts,
                                  debit_account_id__in=projects),
                     "debit_account_id", "credit_account__kind")  # fmt: skip
    for (account, kind), amount in ins.items():
        if kind == AccountKind.MERCHANT:
            raised[account] += amount
    for (account, kind), amount in outs.items():
        if kind == AccountKind.MERCHANT:
            raised[account] -= amount
        else:
            disbursed[account] += amount
    out = []
    for account, project in projects.items():
        if audience.side != ISSUERS and account not in raised:
            continue  # a merchant sees only the projects it gave to
        out.append({"project": project, "raised": raised[account], "disbursed": disbursed[account]})
    return out


def table(audience: Audience, filters: Filters) -> Table | None:
    if audience.kind == OrganizationKind.COMPANY:
        return None
    rows = []
    for row in figures(audience, filters):
        project = row["project"]
        if audience.side == ISSUERS:
            rows.append([project.title, project.organization.name, Money(row["raised"]),
                         Money(row["disbursed"]), Money(project.target_amount)])  # fmt: skip
        else:
            rows.append([project.title, project.organization.name, Money(row["raised"])])
    if audience.side == ISSUERS:
        headers = [_("Progetto"), _("Comune o rete"), _("Raccolto"), _("Erogato"), _("Obiettivo")]
        return Table("valore-condiviso", _("Valore condiviso: raccolto ed erogato per progetto"),
                     headers, rows, columns="2,3")  # fmt: skip
    headers = [_("Progetto"), _("Comune o rete"), _("Donato")]
    return Table("valore-condiviso", _("Valore condiviso: quanto ha donato ai progetti"),
                 headers, rows, columns="2")  # fmt: skip
