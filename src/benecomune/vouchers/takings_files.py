"""The shop's takings as files, built on request and served by core/files.py's
`file_response` (never stored, never public): CSV and XLSX of a period, and the day close
("Chiusura di cassa") as PDF with the shared PDF toolkit (core/pdf)."""

import datetime

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from benecomune.core.exports import (
    CSV_TYPE,
    XLSX_TYPE,
    add_sheet,
    csv_bytes,
    euro_number,
    xlsx_bytes,
)
from benecomune.core.files import ServedFile
from benecomune.core.models import Provider
from benecomune.core.pdf import build, euro, p, table
from benecomune.ledger.money import format_decimal
from benecomune.vouchers.services import takings


def _header() -> list[str]:
    return [
        _("Scontrino n."),
        _("Data"),
        _("Ora"),
        _("Buono"),
        _("Letto con"),
        _("Importo (euro)"),
        _("Stato"),
        _("Annullato alle"),
        _("Motivo dell'annullamento"),
    ]


def _state(row) -> str:
    return _("Annullato") if row.voided_at is not None else _("Incassato")


def _cells(row, amount) -> list:
    created = timezone.localtime(row.created_at)
    voided = timezone.localtime(row.voided_at) if row.voided_at else None
    return [
        row.number,
        formats.date_format(created, "d/m/Y"),
        formats.time_format(created, "H:i:s"),
        row.wallet.title,
        row.get_channel_display(),
        amount(row.amount),
        _state(row),
        formats.date_format(voided, "d/m/Y H:i") if voided else "",
        row.void_reason,
    ]


def _filename(start: datetime.date, end: datetime.date, ext: str) -> str:
    span = start.isoformat() if start == end else f"{start.isoformat()}_{end.isoformat()}"
    return f"incassi-{span}.{ext}"


def takings_csv(merchant_id: int, start, end) -> ServedFile:
    """Semicolon-separated, UTF-8 with BOM, decimal comma: what Italian spreadsheets open."""
    rows = takings.numbered(takings.sales(merchant_id, start, end))
    return ServedFile(
        filename=_filename(start, end, "csv"),
        content_type=CSV_TYPE,
        content=csv_bytes(_header(), (_cells(row, format_decimal) for row in rows)),
    )


def takings_xlsx(merchant_id: int, start, end) -> ServedFile:
    """One sheet of sales (amounts as numbers, euro) and one of the days' totals."""
    rows = takings.numbered(takings.sales(merchant_id, start, end))
    days = takings.day_totals(merchant_id, start, end)

    def build(workbook):
        add_sheet(
            workbook,
            _("Incassi"),
            _header(),
            (_cells(row, euro_number) for row in rows),
            columns="ABCDEFGHI",
        )
        add_sheet(
            workbook,
            _("Totali per giorno"),
            [
                _("Giorno"),
                _("Incassi"),
                _("Lordo"),
                _("Annullati"),
                _("Importo annullato"),
                _("Netto"),
            ],
            (
                [
                    formats.date_format(day.day, "d/m/Y"),
                    day.count,
                    euro_number(day.gross),
                    day.voided_count,
                    euro_number(day.voided),
                    euro_number(day.net),
                ]
                for day in days
            ),
            columns="ABCDEFGHI",
        )

    return ServedFile(
        filename=_filename(start, end, "xlsx"),
        content_type=XLSX_TYPE,
        content=xlsx_bytes(build),
    )


def day_close_pdf(merchant: Provider, day: datetime.date) -> ServedFile:
    """The day close: the shop, the day's totals, the receipt numbers from first to last, and
    every sale with its state (a voided one stays, labelled, and counts in "annullati")."""
    rows = takings.numbered(takings.sales(merchant.pk, day, day))
    (totals,) = takings.day_totals(merchant.pk, day, day) or [takings.DayTotals(day)]
    day_text = formats.date_format(day, "j F Y").lower()  # "6 dicembre 2026"
    story = [
        p(_("Chiusura di cassa del %(day)s") % {"day": escape(day_text)}, "title"),
        p(
            "<br/>".join(
                escape(line)
                for line in (
                    merchant.name,
                    merchant.address,
                    _("Partita IVA %(vat)s") % {"vat": merchant.vat_number}
                    if merchant.vat_number
                    else "",
                )
                if line
            )
        ),
        Spacer(1, 4 * mm),
    ]
    numbers = (
        _("dal n. %(first)s al n. %(last)s")
        % {"first": totals.first_number, "last": totals.last_number}
        if totals.count
        else "—"
    )
    summary = [
        [_("Voce"), _("Numero"), _("Importo")],
        [_("Incassi con i buoni (annullati compresi)"), totals.count, euro(totals.gross)],
        [_("Annullati"), totals.voided_count, euro(totals.voided)],
        [p(f"<b>{escape(_('Netto da rimborsare'))}</b>"), totals.net_count, euro(totals.net)],
        [_("Scontrini"), numbers, ""],
    ]
    story += [table(summary, [90 * mm, 40 * mm, 44 * mm], numeric_columns=(1, 2))]
    story += [Spacer(1, 5 * mm), p(_("Scontrini del giorno"), "h2")]
    if rows:
        detail = [[_("N."), _("Ora"), _("Buono"), _("Letto con"), _("Importo"), _("Stato")]]
        for row in rows:
            state = _state(row)
            if row.voided_at is not None:
                state = _("Annullato alle %(time)s") % {
                    "time": formats.time_format(timezone.localtime(row.voided_at), "H:i")
                }
            detail.append(
                [
                    row.number,
                    formats.time_format(timezone.localtime(row.created_at), "H:i"),
                    escape(row.wallet.title),
                    row.get_channel_display(),
                    euro(row.amount),
                    state,
                ]
            )
        story.append(
            table(
                detail,
                [16 * mm, 14 * mm, 56 * mm, 32 * mm, 24 * mm, 32 * mm],
                numeric_columns=(0, 4),
            )
        )
    else:
        story.append(p(_("Nessun incasso con i buoni in questo giorno.")))
    story += [
        Spacer(1, 5 * mm),
        p(
            _(
                "Il netto è quanto il Comune rimborsa per questo giorno con la nota di debito, "
                "senza commissioni. I buoni non si convertono in denaro: nessun resto."
            ),
            "small",
        ),
    ]
    title = _("Chiusura di cassa del %(day)s") % {"day": formats.date_format(day, "d/m/Y")}
    content = build(story, title=title, footer=f"{title} — {merchant.name}")
    return ServedFile(
        filename=f"chiusura-di-cassa-{day.isoformat()}.pdf",
        content_type="application/pdf",
        content=content,
        inline=True,
    )
