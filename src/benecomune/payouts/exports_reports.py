"""Rendicontazione jobs: a fund, a call or the organisation's overview, as PDF or XLSX; and
the archive of a closed call (zip of application documents and decisions, with an index)."""

from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benecomune.calls.models import Call
from benecomune.calls.services.shares import share_report_rows
from benecomune.core.exports import add_sheet, euro_number, xlsx_bytes
from benecomune.core.files import stored_name
from benecomune.core.services.jobs import report_progress
from benecomune.ledger.models import Fund
from benecomune.payouts.pdf import reports as pdf
from benecomune.payouts.services import figures as figures_service

KEYS = [key for key, _label in pdf.FIGURE_LABELS]


def _sheet(workbook, title, header, rows):
    return add_sheet(workbook, title, header, rows, widths={"A": 40})


def _figures_rows(figures):
    return [
        [_(label), euro_number(figures[key])] for key, label in pdf.FIGURE_LABELS if key in figures
    ]


def _calls_rows(calls):
    return [[call.title, *[euro_number(f[k]) for k in pdf.CALL_KEYS]] for call, f in calls]


CALL_HEADER = [
    "Bando",
    "Stanziato",
    "Assegnato",
    "Speso",
    "Rimborsato",
    "Pagato",
    "Da pagare",
    "Rientrato",
]


def fund_report(fund: Fund, fmt: str) -> tuple[bytes, str]:
    figures = figures_service.fund_figures(fund)
    name = f"rendiconto-fondo-{slugify(fund.name)}"
    if fmt == "pdf":
        return pdf.fund_report_pdf(fund, figures), name

    def build(workbook):
        _sheet(workbook, _("Fondo"), [_("Voce"), _("Euro")], _figures_rows(figures))
        _sheet(
            workbook,
            _("Finanziatori"),
            [_("Finanziatore"), _("Euro")],
            [[c["name"], euro_number(c["amount"])] for c in figures["contributors"]],
        )
        _sheet(workbook, _("Bandi"), [_(h) for h in CALL_HEADER], _calls_rows(figures["calls"]))

    return xlsx_bytes(build), name


def _shares_sheet(workbook, call: Call, shares) -> None:
    """A joint call: each Comune's share against what its residents were awarded."""
    _sheet(
        workbook,
        _("Quote dei Comuni"),
        [_("Comune"), _("Quota"), _("Assegnato ai residenti"), _("Differenza dalla quota")],
        [
            [
                r["name"],
                euro_number(r["share"]),
                euro_number(r["awarded"]),
                euro_number(r["difference"]),
            ]
            for r in shares
        ],
    )


def call_report(call: Call, fmt: str) -> tuple[bytes, str]:
    figures = figures_service.call_figures(call)
    by_municipality = figures_service.call_by_municipality(call)
    shares = share_report_rows(call)
    name = f"rendiconto-bando-{call.code}"
    if fmt == "pdf":
        return pdf.call_report_pdf(call, figures, by_municipality, shares), name

    def build(workbook):
        _sheet(workbook, _("Bando"), [_("Voce"), _("Euro")], _figures_rows(figures))
        _sheet(
            workbook,
            _("Per Comune"),
            [_("Comune"), _("Beneficiari"), _("Assegnato"), _("Rimborsato"), _("Pagato")],
            [
                [
                    r["name"],
                    r["beneficiaries"],
                    euro_number(r["awarded"]),
                    euro_number(r["reimbursed"]),
                    euro_number(r["paid"]),
                ]
                for r in by_municipality
            ],
        )
        if shares:
            _shares_sheet(workbook, call, shares)

    return xlsx_bytes(build), name


def overview_report(organization, organization_ids, fmt: str) -> tuple[bytes, str]:
    overview = figures_service.organization_overview(organization_ids)
    name = f"rendiconto-fondi-{slugify(organization.name)}"
    if fmt == "pdf":
        return pdf.overview_pdf(organization, overview), name
    labels = dict(pdf.FIGURE_LABELS)
    keys = overview["keys"]

    def build(workbook):
        header = [_("Fondo"), _("Ente"), _("Origine"), *[_(labels[k]) for k in keys]]
        _sheet(
            workbook,
            _("Fondi"),
            header,
            [
                [
                    fund.name,
                    fund.organization.name,
                    fund.get_origin_display(),
                    *[euro_number(f[k]) for k in keys],
                ]
                for fund, f in overview["funds"]
            ],
        )
        for title, groups in (
            (_("Per origine"), overview["by_origin"]),
            (_("Per Comune"), overview["by_comune"]),
        ):
            _sheet(
                workbook,
                title,
                [title, *[_(labels[k]) for k in keys]],
                [[name, *[euro_number(values.get(k, 0)) for k in keys]] for name, values in groups],
            )
        calls = [pair for _fund, f in overview["funds"] for pair in f["calls"]]
        _sheet(workbook, _("Bandi"), [_(h) for h in CALL_HEADER], _calls_rows(calls))

    return xlsx_bytes(build), name


def write_report(job) -> None:
    params = job.params
    fmt = params["format"]
    report_progress(job, 0, 1, _("Calcolo degli importi"))
    if params["kind"] == "fund":
        content, name = fund_report(Fund.objects_unscoped.get(pk=params["id"]), fmt)
    elif params["kind"] == "call":
        content, name = call_report(Call.objects_unscoped.get(pk=params["id"]), fmt)
    else:
        content, name = overview_report(job.organization, params["organization_ids"], fmt)
    job.result_file.save(stored_name(f"{name}.{fmt}"), ContentFile(content), save=False)
    job.result = {"kind": params["kind"], "format": fmt, "bytes": len(content)}
