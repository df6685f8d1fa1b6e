"""The printable voucher card (reportlab), for people who pay without a phone.

Page 1: the card to cut out (issuer, holder, number, expiry, QR of the number) and, in large
print, how to use it without a personal area, the balance at issue, where to spend it and the
issuer's help phone. Page 2, only right after issue: the PIN slip, to hand over separately.
The PIN is never on the card's page, and after issue it is known to nobody (only its HMAC is
stored), so a PDF generated later has the card page only.

Large print: no text is smaller than BODY_FONT_SIZE (a test reads the PDF and checks every
run of text), black on white, headings bigger and bold.
"""

import io
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, black, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from benecomune.core.pdf import fonts
from benecomune.ledger.money import format_euro

BODY_FONT_SIZE = 14  # large print: never under 12 pt anywhere in the document
HEADING_FONT_SIZE = 18
TITLE_FONT_SIZE = 20
PIN_FONT_SIZE = 40
MAX_SHOPS = 8  # more than this and the list says "e altri N negozi" with the help phone

INK = black
BAND = HexColor("#003D7A")  # dark blue: white text on it is well above 7:1
CARD_W, CARD_H = 85.6 * mm, 53.98 * mm  # ISO/IEC 7810 ID-1, the size of a bank card
MARGIN = 15 * mm
CARD_TOP = 22 * mm  # from the top of the page to the top of the card
QR_SIZE = 30 * mm


@dataclass
class CardSheet:
    """What the printed card says; built by `benecomune.vouchers.files.card_file`."""

    issuer: str
    title: str
    holder: str
    number: str  # grouped: "8123 4567 8904"
    qr_value: str
    issued_on: str
    valid_until: str  # "" when the voucher has no end date
    balance_at_issue: int  # cents
    shops: list[tuple[str, str]] = field(default_factory=list)  # (name, address)
    more_shops: int = 0
    help_phone: str = ""
    help_other: str = ""  # e-mail or address when the issuer has no phone on record
    pin: str | None = None


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = fonts()
    body = BODY_FONT_SIZE
    return {
        "title": ParagraphStyle(
            "title", fontName=bold, fontSize=TITLE_FONT_SIZE, leading=TITLE_FONT_SIZE * 1.25
        ),
        "h2": ParagraphStyle(
            "h2",
            fontName=bold,
            fontSize=HEADING_FONT_SIZE,
            leading=HEADING_FONT_SIZE * 1.25,
            spaceBefore=9,
            spaceAfter=3,
            textColor=INK,
        ),
        "body": ParagraphStyle(
            "body", fontName=regular, fontSize=body, leading=body * 1.35, textColor=INK
        ),
        "item": ParagraphStyle(
            "item",
            fontName=regular,
            fontSize=body,
            leading=body * 1.35,
            leftIndent=7 * mm,
            bulletIndent=0,
            bulletFontName=bold,  # reportlab's default bullet is 10 pt Helvetica
            bulletFontSize=body,
            spaceAfter=2,
            textColor=INK,
        ),
        "big": ParagraphStyle(
            "big", fontName=bold, fontSize=HEADING_FONT_SIZE, leading=HEADING_FONT_SIZE * 1.3
        ),
        "pin": ParagraphStyle(
            "pin", fontName="Courier-Bold", fontSize=PIN_FONT_SIZE, leading=PIN_FONT_SIZE * 1.2
        ),
    }


def _qr(value: str, size: float) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _fit(text: str, font: str, size: float, width: float) -> str:
    """The text cut (with "…") to fit `width` at `size`: the card is small, the size is not
    lowered under the large-print minimum; the full text is on the page below."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _draw_card(pdf, sheet: CardSheet) -> None:
    regular, bold = fonts()
    width, height = A4
    x, y = (width - CARD_W) / 2, height - CARD_TOP - CARD_H
    body = BODY_FONT_SIZE

    pdf.setFillColor(INK)
    pdf.setFont(regular, body)
    pdf.drawCentredString(width / 2, y + CARD_H + 5 * mm, _("Ritagli lungo la linea"))
    pdf.setDash(4, 3)
    pdf.setStrokeColor(INK)
    pdf.setLineWidth(0.8)
    pdf.rect(x - 3 * mm, y - 3 * mm, CARD_W + 6 * mm, CARD_H + 6 * mm)
    pdf.setDash()

    # White card with a dark band: readable, and it prints well in black and white too.
    pdf.setLineWidth(1.2)
    pdf.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=1, fill=0)
    band = 11 * mm
    pdf.setFillColor(BAND)
    pdf.rect(x + 0.6, y + CARD_H - band, CARD_W - 1.2, band - 0.6, stroke=0, fill=1)
    pdf.setFillColor(white)
    pdf.setFont(bold, body)
    pdf.drawString(
        x + 4 * mm,
        y + CARD_H - band + 3.6 * mm,
        _fit(sheet.issuer, bold, body, CARD_W - 8 * mm),
    )

    renderPDF.draw(_qr(sheet.qr_value, QR_SIZE), pdf, x + CARD_W - QR_SIZE - 2 * mm, y + 2 * mm)

    left = x + 4 * mm
    column = CARD_W - QR_SIZE - 7 * mm
    pdf.setFillColor(INK)
    pdf.setFont(bold, body)
    pdf.drawString(left, y + CARD_H - band - 6.5 * mm, _fit(sheet.holder, bold, body, column))
    pdf.setFont("Courier-Bold", body)
    pdf.drawString(left, y + CARD_H - band - 13 * mm, sheet.number)
    if sheet.valid_until:
        pdf.setFont(regular, body)
        pdf.drawString(left, y + 11 * mm, _("Valida fino al"))
        pdf.setFont(bold, body)
        pdf.drawString(left, y + 5 * mm, sheet.valid_until)


def _shop_lines(sheet: CardSheet, s) -> list:
    if not sheet.shops:
        return [
            Paragraph(
                _("Per sapere in quali negozi usarla, %(ask)s.") % {"ask": _ask(sheet)}, s["body"]
            )
        ]
    items = [
        Paragraph(
            f"<b>{escape(name)}</b>" + (f" — {escape(address)}" if address else ""),
            s["item"],
            bulletText="•",
        )
        for name, address in sheet.shops
    ]
    if sheet.more_shops:
        items.append(
            Paragraph(
                ngettext(
                    "e un altro negozio: %(ask)s",
                    "e altri %(n)d negozi: %(ask)s",
                    sheet.more_shops,
                )
                % {"n": sheet.more_shops, "ask": _ask(sheet)},
                s["item"],
                bulletText="•",
            )
        )
    return items


def _ask(sheet: CardSheet) -> str:
    """Whom to ask, as the end of a sentence: the phone if the issuer has one on record."""
    if sheet.help_phone:
        return _("chieda al numero <b>%(phone)s</b>") % {"phone": escape(sheet.help_phone)}
    if sheet.help_other:
        return _("chieda a %(issuer)s (%(contact)s)") % {
            "issuer": escape(sheet.issuer),
            "contact": escape(sheet.help_other),
        }
    return _("chieda allo sportello di %(issuer)s") % {"issuer": escape(sheet.issuer)}


def _card_page(sheet: CardSheet, s) -> list:
    money = format_euro(sheet.balance_at_issue)
    story = [
        Paragraph(
            _("Intestata a <b>%(holder)s</b> — %(title)s — emessa il %(date)s")
            % {
                "holder": escape(sheet.holder),
                "title": escape(sheet.title),
                "date": sheet.issued_on,
            },
            s["body"],
        ),
        Spacer(0, 3 * mm),
        Paragraph(_("Saldo all'emissione: %(amount)s") % {"amount": money}, s["big"]),
    ]
    if sheet.valid_until:
        story.append(
            Paragraph(_("Da spendere entro il %(date)s") % {"date": sheet.valid_until}, s["big"])
        )
    story.append(Paragraph(_("Come si paga"), s["h2"]))
    steps = [
        _("Mostri questa tessera alla cassa di un negozio dell'elenco."),
        _("L'esercente la legge con il QR o digita il codice della tessera."),
        _(
            "Lei digita il PIN, che ha ricevuto su un foglio a parte. Dopo 5 PIN sbagliati "
            "la tessera si blocca."
        ),
        _(
            "Si paga solo la spesa, fino al saldo (l'esercente vede quanto resta): non si dà "
            "resto in denaro e la tessera non si cede ad altri."
        ),
    ]
    story += [Paragraph(t, s["item"], bulletText=f"{n}.") for n, t in enumerate(steps, 1)]
    story.append(Paragraph(_("Dove usarla"), s["h2"]))
    story += _shop_lines(sheet, s)
    story += [
        Paragraph(_("Per aiuto"), s["h2"]),
        Paragraph(
            _(
                "Per qualsiasi domanda, %(ask)s. Se perde la tessera o qualcuno conosce il PIN, "
                "lo dica subito: la tessera viene bloccata e il saldo resta suo. Una nuova tessera "
                "sostituisce questa."
            )
            % {"ask": _ask(sheet)},
            s["body"],
        ),
    ]
    return story


def _pin_slip(sheet: CardSheet, s) -> list:
    last = sheet.number.replace(" ", "")[-4:]
    box = [
        Paragraph(_("PIN della tessera"), s["title"]),
        Spacer(0, 3 * mm),
        Paragraph(
            _("Per <b>%(holder)s</b>, tessera che finisce con <b>%(last)s</b>")
            % {"holder": escape(sheet.holder), "last": last},
            s["body"],
        ),
        Spacer(0, 4 * mm),
        Paragraph(sheet.pin or "", s["pin"]),
        Spacer(0, 4 * mm),
        Paragraph(_("Tenga il PIN separato dalla tessera."), s["big"]),
        Paragraph(
            _(
                "Non lo scriva sulla tessera e non lo dica a nessuno: alla cassa lo digita lei. "
                "Se pensa che qualcuno lo conosca, %(ask)s: la tessera viene bloccata."
            )
            % {"ask": _ask(sheet)},
            s["body"],
        ),
    ]
    table = Table([[box]], colWidths=[A4[0] - 2 * MARGIN - 10 * mm])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, INK, None, (4, 3)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 7 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7 * mm),
            ]
        )
    )
    return [
        Paragraph(_("Ritagli e consegni questo foglio a parte"), s["body"]),
        Spacer(0, 3 * mm),
        KeepTogether(table),
    ]


def voucher_card(sheet: CardSheet) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=_("Tessera del buono %(number)s") % {"number": sheet.number},
        author=sheet.issuer,
    )
    below_card = height - CARD_TOP - CARD_H - 8 * mm
    card_frame = Frame(MARGIN, MARGIN, width - 2 * MARGIN, below_card - MARGIN, id="card")
    full_frame = Frame(MARGIN, MARGIN, width - 2 * MARGIN, height - 2 * MARGIN, id="full")
    doc.addPageTemplates(
        [
            PageTemplate(id="card", frames=[card_frame], onPage=lambda c, d: _draw_card(c, sheet)),
            PageTemplate(id="slip", frames=[full_frame]),
        ]
    )
    s = _styles()
    story = [NextPageTemplate("slip"), *_card_page(sheet, s)]
    if sheet.pin:
        story += [PageBreak(), *_pin_slip(sheet, s)]
    doc.build(story)
    return buffer.getvalue()


def local_date(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value).date()
    return date_format(value, "d/m/Y")
