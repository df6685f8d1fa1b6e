"""The day's bookings of a provider as a PDF (core/pdf): one table per resource with time,
service, person, phone, the address of a home visit (a column only on days that have one),
notes and state. Built on request and served by core's
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
# With the address of home visits: the same page width (178 mm).
WIDTHS_WITH_ADDRESS = [22 * mm, 28 * mm, 28 * mm, 22 * mm, 36 * mm, 24 * mm, 18 * mm]
ADDRESS = 6  # the address's place in export_line


def day_pdf(provider, day: datetime.date) -> ServedFile:
    title = _("Prenotazioni di %(day)s") % {"day": date_format(day, "l j F Y")}
    story = [p(escape(title), "title"), p(escape(provider.name)), Spacer(1, 4 * mm)]
    rows = [export_line(*row) for row in day_rows(provider, day)]
    if not rows:
        story.append(p(escape(_("Nessuna prenotazione in questo giorno."))))
    # The address column only when a home visit is on the day: other services never have one.
    address = any(line[ADDRESS] for line in rows)
    head = [_("Ora"), _("Servizio"), _("Persona"), _("Telefono")]
    head += [_("Indirizzo della visita")] if address else []
    head += [_("Note"), _("Stato")]
    for resource, group in groupby(rows, key=lambda line: line[0]):
        story.append(p(escape(resource), "h2"))
        lines = [head]
        for line in group:
            cells = [f"{line[1]}-{line[2]}", *line[3:6]]  # time, service, person, phone
            cells += [line[ADDRESS]] if address else []
            lines.append([escape(v) for v in [*cells, *line[7:9]]])  # notes, state
        widths = WIDTHS_WITH_ADDRESS if address else WIDTHS
        story += [table(lines, widths, small=True), Spacer(1, 4 * mm)]
    content = build(story, title=title, footer=title, organization=provider.name)
    return ServedFile(
        filename=f"prenotazioni-{day:%Y-%m-%d}.pdf",
        content_type="application/pdf",
        content=content,
        inline=False,
    )
