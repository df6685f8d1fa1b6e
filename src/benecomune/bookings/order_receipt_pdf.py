"""The receipt of an order as a PDF (core/pdf), built on request and served by core's
`file_response` after the page checked who asks: what was bought, from whom, how much each
source paid, was taken and was given back, and what the purchase gave to social projects."""

from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from benecomune.bookings.models import Order
from benecomune.bookings.order_queries import legs_of
from benecomune.core.files import ServedFile
from benecomune.core.pdf import build, euro, p, table, text, when
from benecomune.observatory.services.shared_value_display import gifts_of_order


def _source(leg) -> str:
    return escape(leg.wallet.title) if leg.wallet_id else _("Denaro proprio (pagamento online)")


def receipt_pdf(order: Order) -> ServedFile:
    title = _("Ricevuta dell'ordine n. %(n)s") % {"n": order.number}
    provider = order.provider
    lines = [
        provider.name,
        provider.address,
        _("Partita IVA %(vat)s") % {"vat": provider.vat_number} if provider.vat_number else "",
    ]
    story = [
        p(escape(title), "title"),
        p("<br/>".join(escape(line) for line in lines if line)),
        Spacer(1, 4 * mm),
        p(
            escape(
                _("%(title)s, quantità %(q)s, ordinato il %(when)s. Stato: %(status)s.")
                % {
                    "title": order.title,
                    "q": order.quantity,
                    "when": when(order.created_at),
                    "status": order.get_status_display(),
                }
            )
        ),
        Spacer(1, 4 * mm),
    ]
    rows = [[_("Fonte"), _("Importo"), _("Incassato"), _("Rimborsato")]]
    for leg in legs_of(order):
        rows.append([_source(leg), euro(leg.amount), euro(leg.captured), euro(leg.refunded)])
    if order.due_at_provider:
        rows.append([_("Denaro proprio, presso il fornitore"), euro(order.due_at_provider), "", ""])
    rows.append([_("Totale"), euro(order.amount), "", ""])
    story.append(
        table(rows, [74 * mm, 34 * mm, 34 * mm, 34 * mm], numeric_columns=(1, 2, 3), total_row=True)
    )
    # Shared value: what the captured payments gave to social projects, net of refunds and
    # voids (the same lines as the receipt page).
    gifts = gifts_of_order(order)
    if gifts:
        story.append(Spacer(1, 4 * mm))
        story.extend(text(gift["text"]) for gift in gifts)
    content = build(story, title=title, footer=None, organization=provider.name)
    return ServedFile(
        filename=f"ricevuta-ordine-{order.number}.pdf",
        content_type="application/pdf",
        content=content,
        inline=True,
    )
