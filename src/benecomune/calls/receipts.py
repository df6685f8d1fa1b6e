"""The receipt of a submitted application, as PDF (reportlab): what was sent, when, under which
protocol number, and what the rules engine made of it. Given to the citizen and, at the desk,
printed for them."""

import io
from functools import cache
from importlib import resources

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

from benecomune.calls import rules as engine
from benecomune.calls.models import Application
from benecomune.core.models import Relationship
from benecomune.ledger.money import format_euro

PRIMARY = colors.HexColor("#0066CC")
GRID = colors.HexColor("#C5C7C9")
MUTED = colors.HexColor("#5C6F82")


@cache
def _fonts() -> tuple[str, str]:
    """Titillium Web (the public-sector font shipped with Bootstrap Italia: it has the letters
    of every European alphabet), or Helvetica when the theme's files are missing."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        base = resources.files("bootstrap_italia_template").joinpath(
            "static", "fonts", "Titillium_Web"
        )
        with (
            resources.as_file(base / "titillium-web-v10-latin-ext_latin-regular.ttf") as r,
            resources.as_file(base / "titillium-web-v10-latin-ext_latin-700.ttf") as b,
        ):
            pdfmetrics.registerFont(TTFont("BC-Receipt", str(r)))
            pdfmetrics.registerFont(TTFont("BC-Receipt-Bold", str(b)))
        return "BC-Receipt", "BC-Receipt-Bold"
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return "Helvetica", "Helvetica-Bold"


@cache
def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=17, leading=21, spaceAfter=2),
        "protocol": ParagraphStyle(
            "protocol", fontName=bold, fontSize=14, leading=18, textColor=PRIMARY, spaceAfter=6
        ),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=11.5, leading=14, spaceBefore=9),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9.5, leading=12.5),
        "bold": ParagraphStyle("bold", fontName=bold, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("small", fontName=regular, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5),
        "head": ParagraphStyle("head", fontName=bold, fontSize=8.5, leading=10.5),
    }


def _p(text, style="body") -> Paragraph:
    from xml.sax.saxutils import escape

    return Paragraph(escape(str(text)), _styles()[style])


def _table(rows, widths, header=True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("LINEBELOW", (0, 0), (-1, 0), 0.8, PRIMARY))
    table.setStyle(TableStyle(style))
    return table


def _when(value, with_time=True) -> str:
    if value is None:
        return "—"
    if with_time:
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def _facts(rows) -> Table:
    return _table([[_p(k, "head"), _p(v)] for k, v in rows], [55 * mm, 115 * mm], header=False)


def _relationship(value: str) -> str:
    try:
        return str(Relationship(value).label)
    except ValueError:
        return value or "—"


def receipt_pdf(application: Application) -> bytes:
    """The receipt of a submitted application (it has a protocol number)."""
    call = application.call
    applicant = application.applicant
    parsed = engine.parse_rules(call.rules)
    contacts = " · ".join(x for x in (application.contact_email, application.contact_phone) if x)
    story = [
        _p(_("Ricevuta di presentazione della domanda"), "title"),
        _p(_("Protocollo n. %(p)s") % {"p": application.protocol}, "protocol"),
        _facts(
            [
                (_("Bando"), str(call)),
                (_("Ente"), call.organization.name),
                (_("Presentata il"), _when(application.submitted_at)),
                (_("Richiedente"), f"{applicant.full_name} — {applicant.fiscal_code}"),
                (_("Comune di residenza"), application.organization.name),
                (_("Contatti"), contacts or "—"),
                (_("Stato"), application.get_status_display()),
            ]
        ),
    ]
    if application.assisted_by_id:
        story += [
            Spacer(1, 4),
            _p(
                _(
                    "Compilata allo sportello da %(operator)s con il consenso di %(citizen)s, "
                    "raccolto il %(when)s (%(how)s)."
                )
                % {
                    "operator": application.assisted_by.full_name or application.assisted_by.email,
                    "citizen": applicant.full_name,
                    "when": _when(application.consent_at),
                    "how": application.consent_note,
                },
                "bold",
            ),
        ]

    members = application.members.filter(active=True).order_by("pk")
    headers = (_("Nome"), _("Codice fiscale"), _("Nato/a il"), _("Relazione"))
    rows = [[_p(h, "head") for h in headers]]
    for m in members:
        rows.append(
            [
                _p(m.full_name + (" *" if m.disability else ""), "cell"),
                _p(m.fiscal_code, "cell"),
                _p(_when(m.birth_date, with_time=False), "cell"),
                _p(_relationship(m.relationship), "cell"),
            ]
        )
    story += [_p(_("Nucleo familiare"), "h2"), _table(rows, [55 * mm, 45 * mm, 25 * mm, 45 * mm])]
    if any(m.disability for m in members):
        story.append(_p(_("* disabilità certificata dichiarata (legge 104/1992)"), "small"))

    story += [
        _p(_("ISEE dichiarato"), "h2"),
        _facts(
            [
                (
                    _("Valore"),
                    format_euro(application.isee_value).replace(" ", "\u00a0")
                    if application.isee_value is not None
                    else _("non indicato"),
                ),
                (_("Protocollo DSU"), application.isee_protocol or "—"),
                (_("Rilasciato il"), _when(application.isee_date, with_time=False)),
            ]
        ),
    ]

    ticked = application.declarations or {}
    if parsed.declarations:
        story.append(_p(_("Dichiarazioni"), "h2"))
        for d in parsed.declarations:
            mark = "[X]" if ticked.get(d.code) else "[  ]"
            story.append(_p(f"{mark} {d.text}"))

    documents = list(application.documents.all())
    story.append(_p(_("Documenti allegati"), "h2"))
    if documents:
        labels = {d.code: d.label for d in parsed.documents}
        rows = [[_p(h, "head") for h in (_("Documento"), _("File"), _("Impronta SHA-256"))]]
        for doc in documents:
            rows.append(
                [
                    _p(labels.get(doc.code, _("Altro documento")), "cell"),
                    _p(doc.original_name, "cell"),
                    _p(doc.sha256[:16] + "…", "cell"),
                ]
            )
        story.append(_table(rows, [50 * mm, 75 * mm, 45 * mm]))
    else:
        story.append(_p(_("Nessun documento allegato.")))

    story.append(_p(_("Esito della verifica automatica"), "h2"))
    if application.eligible:
        story.append(
            _p(
                _(
                    "Con i dati dichiarati i requisiti risultano soddisfatti. Importo previsto "
                    "se la domanda sarà ammessa e finanziata: %(amount)s."
                )
                % {"amount": format_euro(application.amount).replace(" ", "\u00a0")},
                "bold",
            )
        )
    else:
        block = [
            _p(
                _(
                    "Con i dati dichiarati alcuni requisiti sembrano non soddisfatti. La domanda "
                    "è stata comunque presentata e sarà esaminata dal Comune:"
                ),
                "bold",
            )
        ]
        block += [_p(f"• {note['message']}") for note in application.eligibility_notes]
        story.append(KeepTogether(block))
    story += [
        Spacer(1, 10),
        _p(
            _(
                "La verifica automatica non è una decisione: il Comune controlla i dati con "
                "l'anagrafe e l'INPS, istruisce la domanda e comunica l'esito. Conservi questa "
                "ricevuta: il numero di protocollo identifica la domanda anche nella graduatoria, "
                "che si pubblica senza nomi."
            ),
            "small",
        ),
        _p(
            _("Documento generato il %(when)s.") % {"when": _when(timezone.now())},
            "small",
        ),
    ]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=_("Ricevuta %(p)s") % {"p": application.protocol},
        author=call.organization.name,
    )
    doc.build(story)
    return buffer.getvalue()
