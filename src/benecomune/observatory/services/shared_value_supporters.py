"""Which shops support a shared value project, as the public pages say it: the shop's page
(`shared_value_display.shop_projects`) and the project's page (`project_supporters`).

A shop *supports* ("sostiene") a project while an agreement both sides signed is in force today
(its first day has come, its last day, as signed or as an early end chose, has not passed) and
the project raises money: the days the routing gives a share on. It *supported* it ("ha
sostenuto", with the agreement's period) once that last day has passed, or the project is
closed. Never shown: a proposal the shop has not accepted, a refused or withdrawn one (`LIVE`),
an accepted one whose first day has not come. Whether the shop is named is the choice made in
its standing agreement with the project: the one in force, else the last one that ran.

Amounts are what the shop's payments gave, net of what refunds and voids gave back: grouped
sums on the SHARED_VALUE transfers."""

import dataclasses
import datetime
from collections import defaultdict

from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.ledger.models import AccountKind, Transfer, TransferKind
from benecomune.observatory.models import ProjectStatus, SharedValueAgreement, SocialProject
from benecomune.observatory.models.shared_value import LIVE
from benecomune.observatory.services.shared_value_routing import PUBLIC


@dataclasses.dataclass
class Standing:
    """A shop and a public project it signed an agreement with that has started."""

    merchant: object  # Provider
    project: SocialProject
    current: bool  # an agreement in force today, the project raising
    named: bool  # the standing agreement's choice
    since: datetime.date  # the standing agreement's first day
    # (first day, last day) of each agreement that ran; last day None while it still runs
    # on a closed project
    periods: list[tuple[datetime.date, datetime.date | None]]


def standings(**filters) -> list[Standing]:
    """Per (shop, public project): its agreements signed by both sides that have started."""
    today = timezone.localdate()
    agreements = (
        SharedValueAgreement.objects_unscoped.filter(
            LIVE,
            comune_signed_at__isnull=False,
            merchant_signed_at__isnull=False,
            valid_from__lte=today,
            project__status__in=PUBLIC,
            **filters,
        )
        .select_related("merchant", "project")
        .order_by("valid_from", "pk")
    )
    pairs: dict[tuple, list] = defaultdict(list)
    for agreement in agreements:
        pairs[(agreement.merchant_id, agreement.project_id)].append(agreement)
    out = []
    for runs in pairs.values():
        raising = runs[0].project.status == ProjectStatus.ACTIVE
        # A shop's agreements do not overlap: the last one is the only one that may run today.
        last = runs[-1]
        current = raising and last.valid_until >= today
        ran = runs[:-1] if current else runs
        out.append(
            Standing(
                merchant=last.merchant,
                project=last.project,
                current=current,
                named=last.named_publicly,
                since=last.valid_from,
                periods=[(a.valid_from, _ended(a, today)) for a in ran],
            )
        )
    return out


def _ended(agreement, today) -> datetime.date | None:
    """The last day of an agreement that ran, None while it runs (on a closed project)."""
    return agreement.valid_until if agreement.valid_until < today else None


def given(*conditions, **filters) -> dict[tuple[int, int], int]:
    """{(merchant organisation id, project account id): net cents}, over the SHARED_VALUE
    transfers between merchants' and projects' accounts narrowed by `conditions`/`filters`."""
    moves = Transfer.objects_unscoped.filter(*conditions, kind=TransferKind.SHARED_VALUE, **filters)
    nets: dict[tuple[int, int], int] = defaultdict(int)
    for merchant, project, cents in (
        moves.filter(debit_account__kind=AccountKind.MERCHANT)
        .values_list("debit_account__organization_id", "credit_account_id")
        .annotate(t=Sum("amount"))
    ):
        nets[(merchant, project)] += cents
    for merchant, project, cents in (
        moves.filter(credit_account__kind=AccountKind.MERCHANT)
        .values_list("credit_account__organization_id", "debit_account_id")
        .annotate(t=Sum("amount"))
    ):
        nets[(merchant, project)] -= cents
    return nets


def period_text(periods) -> str:
    """ "dal 01/02/2025 al 30/06/2025", several joined by a comma."""
    texts = []
    for start, end in periods:
        dates = {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}" if end else ""}
        texts.append((_("dal %(start)s al %(end)s") if end else _("dal %(start)s")) % dates)
    return ", ".join(texts)


def project_supporters(project: SocialProject) -> dict:
    """The project page's shops: `current` (name, amount, since) and `past` (name, amount,
    period) among those named, and how many others gave a share (`unnamed`)."""
    account = project.account_id
    nets = given(Q(credit_account_id=account) | Q(debit_account_id=account))
    current, past, named = [], [], set()
    for standing in standings(project=project):
        if not standing.named:
            continue
        named.add(standing.merchant.pk)
        row = {
            "name": standing.merchant.name,
            "amount": max(0, nets.get((standing.merchant.pk, account), 0)),
        }
        if standing.current:
            current.append({**row, "since": standing.since})
        else:
            past.append({**row, "period": period_text(standing.periods)})
    gave = {merchant for (merchant, _account), cents in nets.items() if cents > 0}
    return {
        "current": sorted(current, key=lambda r: (-r["amount"], r["name"])),
        "past": sorted(past, key=lambda r: (-r["amount"], r["name"])),
        "unnamed": len(gave - named),
    }
