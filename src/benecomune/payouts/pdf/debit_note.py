"""The merchant's debit note as PDF: outside the scope of VAT, listing the voucher payments."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from benecomune.core.pdf import build, euro, p, table
from benecomune.payouts.models import DebitNote, DebitNoteLine
from benecomune.payouts.services.note_lines import gross_and_shared, with_receipts
from benecomune.payouts.services.payees import payee_account_for

STAMP_DUTY_THRESHOLD = 7_747  # 77,47 euro


def _party(title, org, extra_lines):
    lines = [f"<b>{title}</b>", org.name, *[line for line in extra_lines if line]]
    return p("<br/>".join(lines))


def _reference(line) -> str:
    if line.receipt:
        return _("n. %(n)s") % {"n": line.receipt.number}
    if line.order_number:
        return _("ordine n. %(n)s") % {"n": line.order_number}
    return "—"


def _kind(line) -> str:
    if line.amount > 0:
        return _("Pagamento di un ordine") if line.order_number else _("Pagamento con buono")
    if line.order_number:
        return _("Rimborso dell'ordine n. %(n)s") % {"n": line.order_number}
    if line.receipt:
        return _("Storno dello scontrino n. %(n)s") % {"n": line.receipt.number}
    return _("Storno")


def render_debit_note(note: DebitNote) -> bytes:
    merchant, payer = note.merchant, note.payer
    issued = timezone.localtime(note.issued_at or timezone.now())
    story = [
        p(_("Nota di debito n. %(number)s") % {"number": note.display_number}, "title"),
        p(
            _("Emessa il %(date)s · periodo dal %(start)s al %(end)s")
            % {
                "date": formats.date_format(issued, "d/m/Y"),
                "start": formats.date_format(note.period_start, "d/m/Y"),
                "end": formats.date_format(note.period_end, "d/m/Y"),
            }
        ),
        p(_("Portafogli: %(kind)s") % {"kind": note.get_kind_display()}),
        Spacer(1, 5 * mm),
    ]
    parties = Table(
        [
            [
                _party(
                    _("Emittente (esercente)"),
                    merchant,
                    [
                        merchant.address,
                        _("Partita IVA %(vat)s") % {"vat": merchant.vat_number},
                        merchant.email,
                    ],
                ),
                _party(_("Destinatario"), payer, [payer.address, payer.email]),
            ]
        ],
        colWidths=[87 * mm, 87 * mm],
    )
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [parties, Spacer(1, 5 * mm)]
    story.append(
        p(
            _(
                "Richiesta di rimborso del valore dei buoni spesa accettati come corrispettivo "
                "(buoni-corrispettivo multiuso, art. 6-quater del D.P.R. 633/1972). "
                "<b>Operazione fuori campo IVA ai sensi dell'art. 2, comma 3, lettera a), del "
                "D.P.R. 26 ottobre 1972, n. 633</b>: l'IVA sulle cessioni è stata assolta con i "
                "documenti commerciali emessi al momento degli acquisti."
            )
        )
    )
    story.append(Spacer(1, 4 * mm))
    rows = [[_("Riga"), _("Scontrino o ordine"), _("Data e ora"), _("Tipo"), _("Importo")]]
    lines = DebitNoteLine.objects.filter(note=note).order_by("occurred_at", "pk")
    for index, line in enumerate(with_receipts(note.merchant_id, lines), start=1):
        rows.append(
            [
                index,
                _reference(line),
                formats.date_format(timezone.localtime(line.occurred_at), "d/m/Y H:i"),
                _kind(line),
                euro(line.amount),
            ]
        )
    gross, shared = gross_and_shared(note)
    if shared:
        rows.append(["", "", "", _("Totale lordo"), euro(gross)])
        rows.append(["", "", "", _("Valore condiviso ai progetti sociali"), euro(-shared)])
    rows.append(
        [
            "",
            "",
            "",
            p(f"<b>{_('Totale da rimborsare')}</b>"),
            p(f"<b>{euro(note.total)}</b>", "total"),
        ]
    )
    story.append(
        table(
            rows,
            [10 * mm, 25 * mm, 30 * mm, 73 * mm, 36 * mm],
            numeric_columns=(0, 4),
            total_row=True,
        )
    )
    story.append(Spacer(1, 5 * mm))
    story.append(
        p(
            _(
                "Nessuna commissione: l'esercente riceve l'intero valore dei buoni. Non si "
                "riportano i nomi dei beneficiari: ogni incasso è indicato dal numero dello "
                "scontrino emesso dalla cassa del negozio, come nella sua chiusura di cassa."
            )
        )
    )
    payee = payee_account_for(merchant, payer)
    if payee:
        story.append(
            p(
                _("Pagamento con bonifico sul conto IBAN <b>%(iban)s</b> intestato a %(holder)s.")
                % {"iban": payee.iban, "holder": payee.holder}
            )
        )
    else:
        story.append(p(_("L'esercente deve ancora indicare l'IBAN per il pagamento.")))
    if note.total > STAMP_DUTY_THRESHOLD:
        story.append(Spacer(1, 3 * mm))
        story.append(
            p(
                _(
                    "Imposta di bollo di 2,00 euro a carico dell'emittente (documento fuori "
                    "campo IVA di importo superiore a 77,47 euro: art. 13, tariffa allegato A, "
                    "parte I, D.P.R. 642/1972)."
                ),
                "small",
            )
        )
    footer = _("Nota di debito n. %(number)s — %(merchant)s") % {
        "number": note.display_number,
        "merchant": merchant.name,
    }
    return build(story, title=str(note), footer=footer)
