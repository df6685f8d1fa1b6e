"""Colours and paragraph styles of every PDF, and `p()` to write a paragraph."""

from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from benecomune.core.pdf.fonts import fonts

PRIMARY = colors.HexColor("#0066CC")  # Bootstrap Italia primary
LIGHT = colors.HexColor("#E6F0FA")
GRID = colors.HexColor("#C5C7C9")
MUTED = colors.HexColor("#5C6F82")


@cache
def styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=17, leading=21, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2", fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5),
        "bold": ParagraphStyle("bold", fontName=bold, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8, leading=10, textColor=MUTED),
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
        # A bold label on white (the header of a ruled table, a fact's name).
        "label": ParagraphStyle("label", fontName=bold, fontSize=8.5, leading=10.5),
        "total": ParagraphStyle(
            "total", fontName=bold, fontSize=9.5, leading=12, alignment=TA_RIGHT
        ),
    }


def p(text, style="body", *, extra_styles: dict | None = None) -> Paragraph:
    """A paragraph whose text may hold reportlab markup (<b>, <br/>): escape what users typed."""
    return Paragraph(str(text), (extra_styles or styles())[style])


def text(value, style="body", *, extra_styles: dict | None = None) -> Paragraph:
    """A paragraph of plain text (user data): markup characters are escaped."""
    return p(escape(str(value)), style, extra_styles=extra_styles)
