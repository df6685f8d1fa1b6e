"""Publishing a ranking: by protocol number only, never by name (personal data)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from benecomune.calls.models import Ranking
from benecomune.calls.services.ranking import ranking_rows
from benecomune.core.exports import csv_lines
from benecomune.ledger.money import format_euro


def _outcome(funded: bool) -> str:
    return _("Finanziata") if funded else _("Idonea non finanziata")


def _points(score: int) -> str:
    return f"{score // 100},{score % 100:02d}"


def ranking_csv_lines(ranking: Ranking):
    """CSV lines, streamed (a ranking may have 100k rows)."""
    header = [_("Posizione"), _("Protocollo"), _("Punteggio"), _("Importo"), _("Esito")]
    rows = (
        [position, protocol, _points(score), format_euro(amount), _outcome(funded)]
        for position, protocol, score, amount, funded in ranking_rows(ranking)
    )
    yield from csv_lines(header, rows)


def ranking_pdf(ranking: Ranking) -> bytes:
    """A plain A4 list: heading, then 45 rows a page, drawn directly (fast for long lists)."""
    call = ranking.call
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{call.title} — {ranking.get_kind_display()}")
    height = A4[1]
    columns = [20 * mm, 40 * mm, 95 * mm, 125 * mm, 155 * mm]
    page = 0

    def header():
        nonlocal page
        page += 1
        pdf.setFont("Helvetica-Bold", 13)
        pdf.drawString(20 * mm, height - 20 * mm, call.title[:80])
        pdf.setFont("Helvetica", 9)
        pdf.drawString(
            20 * mm,
            height - 26 * mm,
            _("Graduatoria %(kind)s del %(date)s — %(org)s")
            % {
                "kind": ranking.get_kind_display().lower(),
                "date": timezone.localtime(ranking.created_at).strftime("%d/%m/%Y"),
                "org": call.organization.name,
            },
        )
        pdf.drawString(
            20 * mm,
            height - 31 * mm,
            _("Pubblicata per numero di protocollo, senza dati personali. Pagina %(n)s")
            % {"n": page},
        )
        pdf.setFont("Helvetica-Bold", 9)
        for x, label in zip(
            columns,
            [_("Pos."), _("Protocollo"), _("Punteggio"), _("Importo"), _("Esito")],
            strict=True,
        ):
            pdf.drawString(x, height - 40 * mm, label)
        pdf.setFont("Helvetica", 9)
        return height - 46 * mm

    y = header()
    for position, protocol, score, amount, funded in ranking_rows(ranking):
        if y < 20 * mm:
            pdf.showPage()
            y = header()
        for x, value in zip(
            columns,
            [str(position), protocol or "", _points(score), format_euro(amount), _outcome(funded)],
            strict=True,
        ):
            pdf.drawString(x, y, value)
        y -= 5.5 * mm
    if ranking.entries_count == 0:
        pdf.drawString(20 * mm, y, _("Nessuna domanda ammessa."))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
