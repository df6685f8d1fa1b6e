"""Shared PDF building blocks: the Italian public-sector font (Titillium Web, shipped with the
Bootstrap Italia theme), styles, page frame with page numbers, money tables."""

import io
from functools import cache
from importlib import resources

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

from benecomune.ledger.money import format_euro

PRIMARY = colors.HexColor("#0066CC")  # Bootstrap Italia primary
LIGHT = colors.HexColor("#E6F0FA")
GRID = colors.HexColor("#C5C7C9")


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names; Helvetica if the theme's fonts are not there."""
    try:
        base = resources.files("bootstrap_italia_template").joinpath(
            "static", "fonts", "Titillium_Web"
        )
        with (
            resources.as_file(base / "titillium-web-v10-latin-ext_latin-regular.ttf") as r,
            resources.as_file(base / "titillium-web-v10-latin-ext_latin-700.ttf") as b,
        ):
            pdfmetrics.registerFont(TTFont("Titillium", str(r)))
            pdfmetrics.registerFont(TTFont("Titillium-Bold", str(b)))
        # So that <b> inside a paragraph picks the bold face.
        pdfmetrics.registerFontFamily(
            "Titillium",
            normal="Titillium",
            bold="Titillium-Bold",
            italic="Titillium",
            boldItalic="Titillium-Bold",
        )
        return "Titillium", "Titillium-Bold"
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return "Helvetica", "Helvetica-Bold"


@cache
def styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=17, leading=21, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle(
            "small", fontName=regular, fontSize=8, leading=10, textColor=colors.HexColor("#5C6F82")
        ),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5),
        "cell_right": ParagraphStyle(
            "cell_right", fontName=regular, fontSize=8.5, leading=10.5, alignment=TA_RIGHT
        ),
        "head": ParagraphStyle(
            "head", fontName=bold, fontSize=8.5, leading=10.5, textColor=colors.white
        ),
        "head_right": ParagraphStyle(
            "head_right",
            fontName=bold,
            fontSize=8.5,
            leading=10.5,
            textColor=colors.white,
            alignment=TA_RIGHT,
        ),
        "total": ParagraphStyle(
            "total", fontName=bold, fontSize=9.5, leading=12, alignment=TA_RIGHT
        ),
    }


def p(text, style="body") -> Paragraph:
    return Paragraph(str(text), styles()[style])


def euro(cents: int) -> str:
    return format_euro(cents)


def amount(cents: int) -> str:
    """Euro without the symbol, for wide tables whose caption says the unit."""
    return format_euro(cents).replace("€ ", "")


def table(
    rows, widths, *, numeric_columns=(), header=True, total_row=False, small=False
) -> LongTable:
    """A table whose header repeats on every page, with right-aligned money columns."""
    s = styles()
    data = []
    for index, row in enumerate(rows):
        is_head = header and index == 0
        cells = []
        for col, value in enumerate(row):
            if hasattr(value, "wrap"):
                cells.append(value)
                continue
            right = col in numeric_columns
            style = (
                ("head_right" if right else "head")
                if is_head
                else ("cell_right" if right else "cell")
            )
            cells.append(Paragraph(str(value), s[style]))
        data.append(cells)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if small:
        commands += [("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), PRIMARY))
    if total_row:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), LIGHT))
    result = LongTable(data, colWidths=widths, repeatRows=1 if header else 0)
    result.setStyle(TableStyle(commands))
    return result


def build(story, *, title: str, footer: str) -> bytes:
    """Render to PDF bytes: A4, margins, footer with the document name and page numbers."""
    regular, _bold = fonts()
    buffer = io.BytesIO()
    printed = timezone.localtime().strftime("%d/%m/%Y %H:%M")

    def on_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(colors.HexColor("#5C6F82"))
        canvas.drawString(18 * mm, 10 * mm, footer[:140])
        canvas.drawRightString(
            A4[0] - 18 * mm,
            10 * mm,
            _("Pagina %(n)s · generato il %(when)s") % {"n": doc.page, "when": printed},
        )
        canvas.setStrokeColor(PRIMARY)
        canvas.setLineWidth(2)
        canvas.line(18 * mm, A4[1] - 12 * mm, A4[0] - 18 * mm, A4[1] - 12 * mm)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Bene Comune",
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
