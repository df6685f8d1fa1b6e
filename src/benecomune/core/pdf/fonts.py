"""The PDF fonts: Titillium Web (the Italian public-sector font, shipped with the Bootstrap
Italia theme; it has the letters of every European alphabet), Helvetica when it is missing."""

from functools import cache
from importlib import resources

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


@cache
def fonts() -> tuple[str, str]:
    """(regular, bold) font names, registered once per process."""
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
