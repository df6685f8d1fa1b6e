"""The receipt of a submitted application, as PDF (reportlab): what was sent, when, under which
protocol number, and what the rules engine made of it. Given to the citizen and, at the desk,
printed for them."""

from functools import cache

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer
from reportlab.platypus.flowables import KeepTogether

from benecomune.calls import rules as engine
from benecomune.calls.models import Application
from benecomune.core.models import Relationship
from benecomune.core.pdf import PRIMARY, build, euro_nbsp, fonts, ruled_table, styles, text, when


@cache
def _styles() -> dict[str, ParagraphStyle]:
    """The toolkit's styles, with the receipt's own: the protocol number and plain headings."""
    bold = fonts()[1]
    return {
        **styles(),
        "title": ParagraphStyle("title", fontName=bold, fontSize=17, leading=21, spaceAfter=2),
        "protocol": ParagraphStyle(
            "protocol", fontName=bold, fontSize=14, leading=18, textColor=PRIMARY, spaceAfter=6
        ),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=11.5, leading=14, spaceBefore=9),
        "head": styles()["label"],
    }


def _p(value, style="body"):
    return text(value, style, extra_styles=_styles())


def _facts(rows):
    return ruled_table([[_p(k, "head"), _p(v)] for k, v in rows], [55 * mm, 115 * mm], header=False)


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
                (_("Presentata il"), when(application.submitted_at)),
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
                    "when": when(application.consent_at),
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
                _p(when(m.birth_date, with_time=False), "cell"),
                _p(_relationship(m.relationship), "cell"),
            ]
        )
    story += [
        _p(_("Nucleo familiare"), "h2"),
        ruled_table(rows, [55 * mm, 45 * mm, 25 * mm, 45 * mm]),
    ]
    if any(m.disability for m in members):
        story.append(_p(_("* disabilità certificata dichiarata (legge 104/1992)"), "small"))

    story += [
        _p(_("ISEE dichiarato"), "h2"),
        _facts(
            [
                (
                    _("Valore"),
                    euro_nbsp(application.isee_value)
                    if application.isee_value is not None
                    else _("non indicato"),
                ),
                (_("Protocollo DSU"), application.isee_protocol or "—"),
                (_("Rilasciato il"), when(application.isee_date, with_time=False)),
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
        story.append(ruled_table(rows, [50 * mm, 75 * mm, 45 * mm]))
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
                % {"amount": euro_nbsp(application.amount)},
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
            _("Documento generato il %(when)s.") % {"when": when(timezone.now())},
            "small",
        ),
    ]

    return build(
        story,
        title=_("Ricevuta %(p)s") % {"p": application.protocol},
        footer=None,
        author=call.organization.name,
        side_margin=20 * mm,
    )
