"""Rendering a story to PDF bytes: A4, margins, and a page frame with the issuing body's name
at the top, the document's name and the page number at the bottom."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import SimpleDocTemplate

from benecomune.core.pdf.fonts import fonts
from benecomune.core.pdf.styles import MUTED, PRIMARY

MARGIN = 18 * mm


def page_frame(*, footer: str, organization: str = ""):
    """The `onPage` function drawing the frame: the organisation's name (when given) above a
    blue rule, the footer text and "Pagina n · generato il …" at the bottom."""
    regular, _bold = fonts()
    printed = timezone.localtime().strftime("%d/%m/%Y %H:%M")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, footer[:140])
        canvas.drawRightString(
            A4[0] - MARGIN,
            10 * mm,
            _("Pagina %(n)s · generato il %(when)s") % {"n": doc.page, "when": printed},
        )
        if organization:
            canvas.drawString(MARGIN, A4[1] - 10 * mm, organization[:120])
        canvas.setStrokeColor(PRIMARY)
        canvas.setLineWidth(2)
        canvas.line(MARGIN, A4[1] - 12 * mm, A4[0] - MARGIN, A4[1] - 12 * mm)
        canvas.restoreState()

    return on_page


def build(
    story,
    *,
    title: str,
    footer: str | None,
    organization: str = "",
    author: str = "Bene Comune",
    side_margin: float = MARGIN,
) -> bytes:
    """Render to PDF bytes. `footer=None` leaves the page frame out (a one-page receipt)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=side_margin,
        rightMargin=side_margin,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author,
    )
    if footer is None:
        doc.build(story)
    else:
        on_page = page_frame(footer=footer, organization=organization)
        doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
