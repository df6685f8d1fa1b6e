"""The PDF toolkit (reportlab) every app's documents are built with: fonts, styles, tables,
money and date formatting, and `build()` with the page frame."""

from benecomune.core.pdf.document import build, page_frame
from benecomune.core.pdf.fonts import fonts
from benecomune.core.pdf.formatting import amount, euro, euro_nbsp, when
from benecomune.core.pdf.styles import GRID, LIGHT, MUTED, PRIMARY, p, styles, text
from benecomune.core.pdf.tables import ruled_table, table

__all__ = [
    "GRID",
    "LIGHT",
    "MUTED",
    "PRIMARY",
    "amount",
    "build",
    "euro",
    "euro_nbsp",
    "fonts",
    "p",
    "page_frame",
    "ruled_table",
    "styles",
    "table",
    "text",
    "when",
]
