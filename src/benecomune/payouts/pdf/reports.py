"""Rendicontazione as PDF: a fund, a call, or all the funds of an organisation."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Spacer

from benecomune.core.pdf import amount, build, euro, p, table

# Short column titles for the wide tables.
SHORT_LABELS = {
    "allocated": N_("Stanziato"),
    "reserved": N_("Prenotato"),
    "awarded": N_("Assegnato"),
    "spent": N_("Speso"),
    "reimbursed": N_("Rimborsato"),
    "paid": N_("Pagato"),
    "pending": N_("Da pagare"),
    "returned": N_("Rientrato"),
    "balance": N_("Saldo"),
}

# The columns of a call's row, in the PDF and in the spreadsheet.
CALL_KEYS = ("allocated", "awarded", "spent", "reimbursed", "paid", "pending", "returned")

# Marked for translation here, translated when the document is written.
FIGURE_LABELS = (
    ("allocated", N_("Stanziato")),
    ("reserved", N_("Prenotato (non ancora speso)")),
    ("awarded", N_("Assegnato ai beneficiari")),
    ("spent", N_("Speso presso gli esercenti")),
    ("reimbursed", N_("Rimborsato (spese accolte)")),
    ("paid", N_("Pagato con bonifico")),
    ("pending", N_("Ancora da pagare o da spendere")),
    ("returned", N_("Rientrato al fondo")),
    ("balance", N_("Saldo del fondo")),
    ("available", N_("Disponibile")),
)


def _figures_table(figures: dict):
    rows = [[_("Voce"), _("Importo")]]
    for key, label in FIGURE_LABELS:
        if key in figures:
            rows.append([_(label), euro(figures[key])])
    return table(rows, [120 * mm, 54 * mm], numeric_columns=(1,))


def _call_rows(calls):
    rows = [[_("Bando"), *[_(SHORT_LABELS[k]) for k in CALL_KEYS]]]
    for call, f in calls:
        rows.append([call.title, *[amount(f[k]) for k in CALL_KEYS]])
    return table(
        rows,
        [34 * mm] + [20 * mm] * 7,
        numeric_columns=range(1, 8),
        small=True,
    )


def _heading(title: str, subtitle: str):
    today = formats.date_format(timezone.localdate(), "d/m/Y")
    return [
        p(title, "title"),
        p(_("%(subtitle)s · situazione al %(date)s") % {"subtitle": subtitle, "date": today}),
        Spacer(1, 5 * mm),
    ]


def fund_report_pdf(fund, figures) -> bytes:
    story = _heading(
        _("Rendiconto del fondo «%(name)s»") % {"name": fund.name},
        f"{fund.organization.name} · {fund.get_origin_display()}",
    )
    if fund.legal_basis:
        story += [
            p(_("Base giuridica: %(basis)s") % {"basis": fund.legal_basis}),
            Spacer(1, 3 * mm),
        ]
    story += [_figures_table(figures), Spacer(1, 6 * mm)]
    story.append(p(_("Chi ha finanziato il fondo"), "h2"))
    rows = [[_("Finanziatore"), _("Importo")]]
    rows += [[c["name"], euro(c["amount"])] for c in figures["contributors"]]
    story += [table(rows, [120 * mm, 54 * mm], numeric_columns=(1,)), Spacer(1, 6 * mm)]
    if figures["calls"]:
        story += [
            p(_("Bandi finanziati dal fondo (importi in euro)"), "h2"),
            _call_rows(figures["calls"]),
        ]
    story += [Spacer(1, 6 * mm), p(_(_NOTE), "small")]
    return build(story, title=fund.name, footer=_("Rendiconto del fondo %(n)s") % {"n": fund.name})


def _shares_story(call, shares) -> list:
    """A joint call: each Comune's share against what its residents were awarded."""
    if call.share_mode == "per_municipality":
        intro = _(
            "Budget diviso nelle quote dei Comuni: i residenti di ogni Comune sono finanziati "
            "fino alla quota del loro Comune."
        )
        if call.redistribute_unused:
            intro += " " + _("Le quote non usate sono ridistribuite nella graduatoria comune.")
    else:
        intro = _(
            "Graduatoria unica della rete: le quote dicono come i Comuni dividono la spesa, "
            "qui confrontata con quanto è stato assegnato ai residenti di ciascuno."
        )
    rows = [[_("Comune"), _("Quota"), _("Assegnato ai residenti"), _("Differenza")]]
    rows += [
        [r["name"], euro(r["share"]), euro(r["awarded"]), euro(r["difference"])] for r in shares
    ]
    return [
        Spacer(1, 6 * mm),
        p(_("Quote dei Comuni"), "h2"),
        p(intro, "small"),
        table(rows, [60 * mm, 38 * mm, 38 * mm, 38 * mm], numeric_columns=(1, 2, 3)),
    ]


def call_report_pdf(call, figures, by_municipality, shares=()) -> bytes:
    story = _heading(
        _("Rendiconto del bando «%(title)s»") % {"title": call.title},
        f"{call.organization.name} · {call.get_benefit_type_display()} · {call.fund.name}",
    )
    story += [_figures_table(figures), Spacer(1, 6 * mm)]
    story.append(p(_("Per Comune dei beneficiari"), "h2"))
    rows = [[_("Comune"), _("Beneficiari"), _("Assegnato"), _("Rimborsato"), _("Pagato")]]
    rows += [
        [r["name"], r["beneficiaries"], euro(r["awarded"]), euro(r["reimbursed"]), euro(r["paid"])]
        for r in by_municipality
    ]
    story.append(
        table(rows, [60 * mm, 24 * mm, 30 * mm, 30 * mm, 30 * mm], numeric_columns=(1, 2, 3, 4))
    )
    if shares:
        story += _shares_story(call, shares)
    story += [Spacer(1, 6 * mm), p(_(_NOTE), "small")]
    return build(
        story, title=call.title, footer=_("Rendiconto del bando %(t)s") % {"t": call.title}
    )


def overview_pdf(organization, overview) -> bytes:
    story = _heading(
        _("Rendiconto dei fondi"), organization.name if organization else _("Tutti gli enti")
    )
    keys = overview["keys"]
    labels = SHORT_LABELS
    header = [_("Fondo"), *[_(labels[k]) for k in keys]]
    widths = [41 * mm] + [133 * mm / len(keys)] * len(keys)
    rows = [header] + [
        [f"{fund.name} ({fund.organization.name})", *[amount(f[k]) for k in keys]]
        for fund, f in overview["funds"]
    ]
    story += [
        p(_("Importi in euro."), "small"),
        p(_("Per fondo"), "h2"),
        table(rows, widths, numeric_columns=range(1, 8), small=True),
    ]
    groups_by = (
        (_("Per origine del fondo"), _("Origine"), overview["by_origin"]),
        (_("Per Comune"), _("Comune"), overview["by_comune"]),
    )
    for title, first_column, groups in groups_by:
        rows = [[first_column, *[_(labels[k]) for k in keys]]]
        rows += [[name, *[amount(values.get(k, 0)) for k in keys]] for name, values in groups]
        story += [
            Spacer(1, 5 * mm),
            p(title, "h2"),
            table(rows, widths, numeric_columns=range(1, 8), small=True),
        ]
    for fund, figures in overview["funds"]:
        if figures["calls"]:
            story += [
                PageBreak(),
                p(_("Bandi del fondo «%(n)s» (importi in euro)") % {"n": fund.name}, "h2"),
            ]
            story.append(_call_rows(figures["calls"]))
    story += [Spacer(1, 6 * mm), p(_(_NOTE), "small")]
    return build(story, title=_("Rendiconto dei fondi"), footer=_("Rendiconto dei fondi"))


_NOTE = N_(
    "Importi in euro, dai movimenti della contabilità della piattaforma. «Pagato» comprende "
    "solo i bonifici confermati dalla banca; «Rientrato al fondo» comprende i buoni scaduti, "
    "gli importi prenotati e non assegnati o non richiesti, le assegnazioni revocate."
)
