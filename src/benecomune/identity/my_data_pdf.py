"""The readable summary of "I miei dati": every category with its rows, as a PDF."""

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from benecomune.core.pdf import build, p, table, text
from benecomune.identity import my_data

# Columns shown per category in the PDF (the JSON files hold them all).
MAX_COLUMNS = 5


def _cell(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "strftime"):
        if hasattr(value, "hour"):
            return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
        return value.strftime("%d/%m/%Y")
    return str(value)[:120]


def summary_pdf(person, data: dict[str, list[dict]]) -> bytes:
    story = [
        p(_("I dati che la piattaforma conserva su di lei"), "title"),
        text(f"{person.full_name} — {person.fiscal_code}"),
        text(
            _(
                "Riepilogo leggibile. L'archivio ZIP contiene gli stessi dati completi, un file "
                "JSON per categoria."
            ),
            "small",
        ),
        Spacer(1, 4 * mm),
    ]
    for category in my_data.CATEGORIES:
        rows = data.get(category.key, [])
        story.append(text(f"{category.label} ({len(rows)})", "h2"))
        if not rows:
            story.append(text(_("Nessun dato."), "small"))
            continue
        columns = list(rows[0])[:MAX_COLUMNS]
        width = 174 * mm / len(columns)
        body = [[c.replace("_", " ") for c in columns]]
        body += [[_cell(row.get(c)) for c in columns] for row in rows[:200]]
        story.append(table(body, [width] * len(columns), small=True))
        if len(rows) > 200:
            story.append(text(_("…e altre righe nel file JSON."), "small"))
    return build(
        story,
        title=_("I miei dati"),
        footer=_("I miei dati — %(code)s") % {"code": person.fiscal_code},
    )
