"""The day's bookings of a provider as a PDF (core/pdf): one table per resource with time,
service, person, phone, notes and state. Built on request and served by core's
`file_response` after the page checked who asks (the provider's staff): it names people."""

import datetime
from itertools import groupby

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from benecomune.bookings.provider_agenda_queries import day_rows, export_line
from benecomune.core.files import ServedFile
from benecomune.core.pdf import build, p, table

# The time column fits "10:15-11:15" on one line at the table's small size.
WIDTHS = [22 * mm, 36 * mm, 36 * mm, 26 * mm, 36 * mm, 22 * mm]


def day_pdf(provider, day: datetime.date) -> ServedFile:
    title = _("Prenotazioni di %(day)s") % {"day": date_format(day, "l j F Y")}
    story = [p(escape(title), "title"), p(escape(provider.name)), Spacer(1, 4 * mm)]
    rows = day_rows(provider, day)
    if not rows:
        story.append(p(escape(_("Nessuna prenotazione in questo giorno."))))
    for resource, group in groupby(rows, key=lambda row: row[0]):
        story.append(p(escape(resource), "h2"))
        head = [_("Ora"), _("Servizio"), _("Persona"), _("Telefono"), _("Note"), _("Stato")]
        lines = [head]
        for row in group:
            line = export_line(*row)
            lines.append([escape(f"{line[1]}-{line[2]}"), *(escape(v) for v in line[3:8])])
        story += [table(lines, WIDTHS, small=True), Spacer(1, 4 * mm)]
    content = build(story, title=title, footer=title, organization=provider.name)
    return ServedFile(
        filename=f"prenotazioni-{day:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
        inline=False,
    )
