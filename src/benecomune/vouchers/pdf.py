"""The printable voucher card (reportlab): an A4 page with the card to cut out (holder, issuer,
card number, QR of the number) and instructions. The PIN is never printed: it was shown once
when the card was issued."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

BLUE = HexColor("#0066CC")
DARK = HexColor("#1A1A1A")
CARD_W, CARD_H = 85.6 * mm, 53.98 * mm  # ISO/IEC 7810 ID-1, the size of a bank card


def _qr(value: str, size: float) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def voucher_card(wallet, card, person) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(_("Tessera del buono %(number)s") % {"number": card.display_number})
    pdf.setAuthor(wallet.organization.name)
    width, height = A4
    x, y = (width - CARD_W) / 2, height - 30 * mm - CARD_H

    # Cut line around the card.
    pdf.setDash(3, 3)
    pdf.setStrokeColor(HexColor("#888888"))
    pdf.rect(x - 2 * mm, y - 2 * mm, CARD_W + 4 * mm, CARD_H + 4 * mm)
    pdf.setDash()
    pdf.setFont("Helvetica", 8)
    pdf.setFillColor(HexColor("#555555"))
    pdf.drawString(x - 2 * mm, y + CARD_H + 4 * mm, _("Ritagli lungo la linea tratteggiata"))

    # The card.
    pdf.setFillColor(BLUE)
    pdf.roundRect(x, y, CARD_W, CARD_H, 3 * mm, stroke=0, fill=1)
    pdf.setFillColor(white)
    pdf.roundRect(x + CARD_W - 33 * mm, y + 4 * mm, 29 * mm, 29 * mm, 1.5 * mm, stroke=0, fill=1)
    renderPDF.draw(_qr(card.number, 27 * mm), pdf, x + CARD_W - 32 * mm, y + 5 * mm)
    pdf.setFillColor(white)
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(x + 5 * mm, y + CARD_H - 9 * mm, _("Buono nominativo"))
    pdf.setFont("Helvetica", 8)
    pdf.drawString(x + 5 * mm, y + CARD_H - 14 * mm, wallet.organization.name[:48])
    pdf.drawString(x + 5 * mm, y + CARD_H - 18.5 * mm, wallet.title[:48])
    pdf.setFont("Helvetica-Bold", 9)
    pdf.drawString(x + 5 * mm, y + 21 * mm, person.full_name[:32])
    pdf.setFont("Courier-Bold", 12)
    pdf.drawString(x + 5 * mm, y + 13 * mm, card.display_number)
    pdf.setFont("Helvetica", 6.5)
    pdf.drawString(x + 5 * mm, y + 6 * mm, _("Non cedibile. Non convertibile in denaro."))

    # Instructions under the card.
    lines = [
        _("Come si usa"),
        _("1. Alla cassa di un negozio del circuito mostri la tessera: il negoziante inquadra"),
        _("   il codice QR o digita il numero."),
        _("2. Digiti il suo PIN. Dopo 5 PIN errati la tessera si blocca."),
        _("3. Si paga solo l'importo della spesa, fino al saldo: non si dà resto in denaro."),
        "",
        _("Se perde la tessera la blocchi subito dalla sua area personale o allo sportello"),
        _("del Comune: il saldo del buono resta suo e può chiedere una nuova tessera."),
        _("Il PIN non è stampato qui: lo conservi separato dalla tessera."),
        "",
        _("Tessera emessa il %(date)s. Una nuova tessera sostituisce questa.")
        % {"date": timezone.localtime(card.issued_at).strftime("%d/%m/%Y")},
    ]
    text = pdf.beginText(x - 2 * mm, y - 14 * mm)
    text.setFillColor(DARK)
    for n, line in enumerate(lines):
        text.setFont("Helvetica-Bold" if n == 0 else "Helvetica", 11 if n == 0 else 10)
        text.textLine(line)
    pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
