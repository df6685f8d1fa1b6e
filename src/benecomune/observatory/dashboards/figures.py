"""The dashboards' figures, read from the FlowCell rollup (never the ledger) with one grouped
query per table; the applications table reads the calls' applications (no money there) and the
needs table the Welfare Points (needs.py). Definitions: docs/observatory.md, "Dashboards"."""

from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from benecomune.core.models import MerchantCategory, Organization, ProviderKind
from benecomune.ledger.models import FundOrigin, WalletSource
from benecomune.observatory.dashboards.scope import ISSUERS, Audience, Filters
from benecomune.observatory.dashboards.tables import Money, Share, Table
from benecomune.observatory.models import Flow

TOP_MERCHANTS = 50


class Summary:
    """The audience's cells added up once by several tables' fields together (one grouped
    query instead of one per table); `filter`/`exclude` on equality and `_grouped` work on it
    in memory as they do on the queryset. Rows: dicts of the fields, flow, `a` and `n`."""

    def __init__(self, rows: list[dict], fixed: dict | None = None):
        self.rows = rows
        self.fixed = fixed or {}  # conditions every row already meets

    @classmethod
    def of(cls, cells, *fields, **fixed) -> "Summary":
        grouped = cells.filter(**fixed).values(*fields, "flow")
        grouped = grouped.annotate(a=Sum("amount"), n=Sum("count"))
        return cls(list(grouped.order_by()), fixed)

    def filter(self, **equal) -> "Summary":
        left = {k: v for k, v in equal.items() if k not in self.fixed or self.fixed[k] != v}
        if not left:
            return self
        rows = [r for r in self.rows if all(r[k] == v for k, v in left.items())]
        return Summary(rows, {**self.fixed, **left})

    def exclude(self, **equal) -> "Summary":
        return Summary([r for r in self.rows if not all(r[k] == v for k, v in equal.items())])


def _grouped(cells, *fields) -> dict[tuple, dict[str, list[int]]]:
    """key (the fields' values) -> flow -> [amount, count]; `cells` a queryset or a Summary."""
    out: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    if isinstance(cells, Summary):
        rows = cells.rows
    else:
        rows = cells.values(*fields, "flow").annotate(a=Sum("amount"), n=Sum("count")).order_by()
    for row in rows:
        entry = out[tuple(row[f] for f in fields)][row["flow"]]
        entry[0] += row["a"] or 0
        entry[1] += row["n"] or 0
    return out


def _flows(entry) -> tuple[int, int, int, int]:
    award = entry[Flow.AWARD][0] if Flow.AWARD in entry else 0
    spend = entry[Flow.SPEND][0] if Flow.SPEND in entry else 0
    expire = entry[Flow.EXPIRE][0] if Flow.EXPIRE in entry else 0
    return award, spend, expire, award - spend - expire


def _names(ids) -> dict[int, str]:
    return dict(Organization.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def _balance_headers(first: str) -> list[str]:
    return [first, _("Assegnato"), _("Speso"), _("Scaduto"), _("Non speso")]


def by_origin(cells) -> Table:
    labels = dict(FundOrigin.choices)
    rows = []
    for (origin,), entry in sorted(_grouped(cells.exclude(fund_id=0), "origin").items()):
        award, spend, expire, left = _flows(entry)
        rows.append([str(labels.get(origin, origin)), *map(Money, (award, spend, expire, left))])
    return Table(
        "origini", _("Fondi per origine e loro uso"), _balance_headers(_("Origine")), rows,
        columns="1,2",
    )  # fmt: skip


def by_call(cells) -> Table:
    from benecomune.calls.models import Call

    grouped = _grouped(cells.exclude(call_id=0), "call_id")
    titles = dict(
        Call.objects_unscoped.filter(pk__in=[k[0] for k in grouped]).values_list("pk", "title")
    )
    rows = []
    for (call_id,), entry in sorted(grouped.items(), key=lambda kv: titles.get(kv[0][0], "")):
        award, spend, expire, left = _flows(entry)
        awards = entry[Flow.AWARD][1] if Flow.AWARD in entry else 0
        rows.append(
            [
                titles.get(call_id, "?"),
                Money(award),
                awards,
                Money(spend),
                Money(expire),
                Money(left),
            ]
        )
    headers = [
        _("Bando"),
        _("Assegnato"),
        _("Assegnazioni"),
        _("Speso"),
        _("Scaduto"),
        _("Non speso"),
    ]
    return Table("bandi", _("Contributi assegnati e spesi per bando"), headers, rows, columns="1,3")


def by_wallet_kind(cells) -> Table:
    labels = dict(WalletSource.choices)
    rows = []
    for (kind,), entry in sorted(_grouped(cells, "wallet_kind").items()):
        award, spend, expire, left = _flows(entry)
        if kind == WalletSource.TOP_UP:
            award = left = 0  # own money is not awarded: only its spending shows
        rows.append([str(labels.get(kind, kind)), *map(Money, (award, spend, expire, left))])
    return Table(
        "saldi", _("Saldi non spesi e scaduti per tipo di borsellino"),
        _balance_headers(_("Borsellino")), rows, columns="3,4",
    )  # fmt: skip


def by_month(cells, side: str) -> Table:
    grouped = _grouped(cells, "month")
    rows = []
    for (month,), entry in sorted(grouped.items()):
        award, spend, _expire, _left = _flows(entry)
        label = month.strftime("%m/%Y")
        rows.append(
            [label, Money(award), Money(spend)] if side == ISSUERS else [label, Money(spend)]
        )
    headers = (
        [_("Mese"), _("Assegnato"), _("Speso")] if side == ISSUERS else [_("Mese"), _("Incassato")]
    )
    return Table("mesi", _("Andamento mensile"), headers, rows, chart="line")


def by_category(cells) -> Table:
    labels = dict(MerchantCategory.choices)
    grouped = _grouped(cells.filter(flow=Flow.SPEND), "category")
    rows = [
        [str(labels.get(cat, cat)), Money(e[Flow.SPEND][0]), e[Flow.SPEND][1]]
        for (cat,), e in sorted(grouped.items(), key=lambda kv: -kv[1][Flow.SPEND][0])
    ]
    return Table(
        "categorie",
        _("Spesa per categoria"),
        [_("Categoria"), _("Speso"), _("Transazioni")],
        rows,
        chart="doughnut",
        columns="1",
    )


def by_merchant(cells) -> Table:
    grouped = _grouped(cells.filter(flow=Flow.SPEND), "merchant_id", "merchant_municipality_id")
    names = _names([k[0] for k in grouped] + [k[1] for k in grouped])
    ordered = sorted(grouped.items(), key=lambda kv: -kv[1][Flow.SPEND][0])
    rows = [
        [names.get(m, "?"), names.get(town, "—"), Money(e[Flow.SPEND][0]), e[Flow.SPEND][1]]
        for (m, town), e in ordered[:TOP_MERCHANTS]
    ]
    note = (
        _("I %(n)s esercenti con la spesa più alta.") % {"n": TOP_MERCHANTS}
        if len(ordered) > TOP_MERCHANTS
        else ""
    )
    return Table(
        "esercenti",
        _("Spesa per esercente"),
        [_("Esercente"), _("Comune"), _("Speso"), _("Transazioni")],
        rows,
        chart="",
        note=note,
    )


def by_merchant_town(cells) -> Table:
    grouped = _grouped(cells.filter(flow=Flow.SPEND), "merchant_municipality_id")
    names = _names(k[0] for k in grouped)
    rows = [
        [names.get(town, _("Non indicato")), Money(e[Flow.SPEND][0]), e[Flow.SPEND][1]]
        for (town,), e in sorted(grouped.items(), key=lambda kv: -kv[1][Flow.SPEND][0])
    ]
    return Table(
        "comuni",
        _("Spesa per Comune dell'esercente"),
        [_("Comune"), _("Speso"), _("Transazioni")],
        rows,
        columns="1",
    )


def _local_towns(issuer_ids) -> dict[int, set[int]]:
    """The Comuni where spending counts as local for each issuer: a Comune's own territory;
    a company's network's Comuni (a company has no territory of its own)."""
    issuers = Organization.objects.filter(pk__in=issuer_ids).values("pk", "kind", "network_id")
    networks = {i["network_id"] for i in issuers if i["kind"] != "municipality" and i["network_id"]}
    members = defaultdict(set)
    for pk, network_id in Organization.objects.filter(
        network_id__in=networks, kind="municipality"
    ).values_list("pk", "network_id"):
        members[network_id].add(pk)
    return {
        i["pk"]: {i["pk"]} if i["kind"] == "municipality" else members.get(i["network_id"], set())
        for i in issuers
    }


def local_share(cells) -> Table:
    grouped = _grouped(cells.filter(flow=Flow.SPEND), "issuer_id", "merchant_municipality_id")
    local_towns = _local_towns({k[0] for k in grouped})
    local = elsewhere = 0
    for (issuer, town), entry in grouped.items():
        if town in local_towns.get(issuer, ()):
            local += entry[Flow.SPEND][0]
        else:
            elsewhere += entry[Flow.SPEND][0]
    total = local + elsewhere
    rows = (
        [
            [
                _("Nel territorio di chi ha emesso il credito"),
                Money(local),
                Share(local / total if total else 0),
            ],
            [_("Fuori dal territorio"), Money(elsewhere), Share(elsewhere / total if total else 0)],
        ]
        if total
        else []
    )
    return Table(
        "locale",
        _("Quota di spesa locale"),
        [_("Dove"), _("Speso"), _("Quota")],
        rows,
        chart="pie",
        columns="1",
    )


def corporate(cells) -> Table:
    labels = dict(MerchantCategory.choices)
    spent = cells.filter(flow=Flow.SPEND, wallet_kind=WalletSource.COMPANY_PLAN)
    grouped = _grouped(spent, "category", "merchant_kind")
    totals = defaultdict(lambda: [0, 0])
    for (cat, kind), entry in grouped.items():
        totals[cat][0] += entry[Flow.SPEND][0]
        if kind == ProviderKind.SOCIAL_COOPERATIVE:
            totals[cat][1] += entry[Flow.SPEND][0]
    rows = [
        [
            str(labels.get(cat, cat)),
            Money(amount),
            Money(coop),
            Share(coop / amount if amount else 0),
        ]
        for cat, (amount, coop) in sorted(totals.items(), key=lambda kv: -kv[1][0])
    ]
    headers = [
        _("Categoria"),
        _("Credito aziendale speso"),
        _("Di cui a cooperative sociali"),
        _("Quota cooperative"),
    ]
    return Table(
        "aziendale", _("Credito welfare aziendale per categoria"), headers, rows, columns="1,2"
    )


def by_issuer(cells) -> Table:
    """For a merchant: whose wallets paid it."""
    grouped = _grouped(cells.filter(flow=Flow.SPEND), "issuer_id", "wallet_kind")
    names, labels = _names(k[0] for k in grouped), dict(WalletSource.choices)
    rows = [
        [
            f"{names.get(issuer, '?')} — {labels.get(kind, kind)}",
            Money(e[Flow.SPEND][0]),
            e[Flow.SPEND][1],
        ]
        for (issuer, kind), e in sorted(grouped.items(), key=lambda kv: -kv[1][Flow.SPEND][0])
    ]
    return Table(
        "emittenti",
        _("Incassi per ente emittente e tipo di credito"),
        [_("Emesso da"), _("Incassato"), _("Transazioni")],
        rows,
        columns="1",
    )


def tables(audience: Audience, filters: Filters) -> list[Table]:
    """Every table of the audience's dashboard, in page order."""
    from benecomune.observatory.dashboards import activity, shared_value, usage

    cells = filters.apply(audience.cells())
    shared = shared_value.table(audience, filters)
    if audience.side != ISSUERS:
        return [
            by_month(cells, audience.side),
            by_issuer(cells),
            by_call(cells.filter(flow=Flow.SPEND)),
            usage.table(audience, filters),
            *([shared] if shared else []),
        ]
    # Two grouped reads serve the nine money tables: balances by fund, month, call and wallet
    # kind (a fund has one origin); spending by issuer and merchant (a merchant has one Comune,
    # category and kind). Each is small whatever the ledger's size (docs/observatory.md).
    balances = Summary.of(cells, "fund_id", "origin", "month", "call_id", "wallet_kind")
    spent = Summary.of(
        cells,
        "issuer_id",
        "merchant_id",
        "merchant_municipality_id",
        "category",
        "merchant_kind",
        "wallet_kind",
        flow=Flow.SPEND,
    )
    out = [
        by_origin(balances),
        by_month(balances, audience.side),
        by_call(balances),
    ]
    if audience.kind != "company":
        out.append(activity.applications(audience, filters))
    out += [
        by_category(spent),
        by_merchant_town(spent),
        by_merchant(spent),
        local_share(spent),
        by_wallet_kind(balances),
        corporate(spent),
        usage.table(audience, filters),
        activity.needs(audience, filters),
    ]
    if shared is not None:
        out.append(shared)
    return out
