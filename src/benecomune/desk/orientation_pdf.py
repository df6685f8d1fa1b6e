"""The orientation list given to a person, as a PDF (core/pdf), built on request and served by
core's checked file view (kind `desk-orientation`): to the case's team (its operator and the
Point's coordinators) and to the person themselves; nobody else."""

from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from benecomune.core.files import ServedFile
from benecomune.core.pdf import build, p, when
from benecomune.desk.models import Orientation
from benecomune.desk.orientation.queries import orientation_items


def orientation_pdf(orientation: Orientation) -> ServedFile:
    case = orientation.case
    point = case.point
    title = _("Orientamento ai servizi")
    story = [
        p(escape(title), "title"),
        p(
            escape(
                _("%(point)s, %(address)s — caso %(protocol)s, consegnato il %(when)s")
                % {
                    "point": point.name,
                    "address": point.address,
                    "protocol": case.protocol,
                    "when": when(orientation.given_at),
                }
            )
        ),
    ]
    if case.person_id:
        story.append(p(escape(_("Per: %(name)s") % {"name": case.person.full_name})))
    if orientation.note:
        story += [Spacer(1, 3 * mm), p(escape(orientation.note))]
    items = orientation_items(orientation)
    if not items:
        story.append(p(escape(_("Nessuna proposta adatta al momento: il Punto la ricontatterà."))))
    for number, item in enumerate(items, start=1):
        story += [
            Spacer(1, 4 * mm),
            p(f"<b>{number}. {escape(item.title)}</b> — {escape(item.get_kind_display())}"),
        ]
        if item.detail:
            story.append(p(escape(item.detail)))
        needs = ", ".join(n.name for n in item.needs.all())
        if needs:
            story.append(p(escape(_("Per: %(needs)s") % {"needs": needs})))
        for reason in item.reasons:
            story.append(p("• " + escape(reason)))
        for unknown in item.unknowns:
            story.append(p("• " + escape(_("Da verificare: %(what)s") % {"what": unknown})))
    content = build(
        story,
        title=title,
        footer=_("Orientamento del caso %(protocol)s") % {"protocol": case.protocol},
        organization=point.name,
    )
    return ServedFile(
        filename=f"orientamento-{case.protocol}-{orientation.pk}.pdf",
        content_type="application/pdf",
        content=content,
        inline=True,
    )
