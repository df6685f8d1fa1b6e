"""Who may see a voucher card's PDF (generated on request, never stored; served by
core/files.py). It carries the card's number and QR code: whoever holds it can spend."""

from django.utils.translation import gettext as _

from benecomune.core.files import ServedFile, register_file_kind
from benecomune.ledger.models import Wallet
from benecomune.vouchers.models import CardStatus, VoucherCard


def card_file(wallet: Wallet | None, *, pin: str | None = None) -> ServedFile | None:
    """The card's PDF; with `pin` (known only right after issue) the PIN slip is page 2."""
    if wallet is None:
        return None
    card = VoucherCard.objects_unscoped.filter(
        wallet_id=wallet.pk, status=CardStatus.ACTIVE
    ).first()
    if card is None:
        return None
    from benecomune.vouchers import pdf

    return ServedFile(
        filename=f"tessera-{card.number[-4:]}.pdf",
        content_type="application/pdf",
        content=pdf.voucher_card(card_sheet(wallet, card, pin=pin)),
        inline=True,  # the page offers it to print
    )


def card_sheet(wallet: Wallet, card: VoucherCard, *, pin: str | None = None):
    """What the printed card says: the balance when the card was issued (the card cannot
    know later spending), the shops where the voucher is valid (the same list as the citizen's
    "Dove spenderlo" page), the issuer's phone for help."""
    from benecomune.core.models import Organization, OrganizationKind, Person
    from benecomune.ledger.services.statements import balance
    from benecomune.vouchers.pdf import MAX_SHOPS, CardSheet, local_date
    from benecomune.vouchers.services.where import shops_where_valid

    person = Person.objects_unscoped.get(pk=wallet.person_id)
    issuer = Organization.objects.get(pk=wallet.organization_id)
    items = shops_where_valid(wallet)
    shops = []
    for item in items[:MAX_SHOPS]:
        shop = item["shop"]
        point = item["points"][0] if item["points"] else None
        address = point.address if point else shop.address
        town = shop.municipality.name if shop.municipality_id else ""
        if town and town.lower() not in address.lower():
            address = f"{address}, {town}" if address else town
        shops.append((shop.name, address))
    return CardSheet(
        # "Comune di Limena"; a company or a network by its own name.
        issuer=_("Comune di %(name)s") % {"name": issuer.name}
        if issuer.kind == OrganizationKind.MUNICIPALITY
        else issuer.name,
        title=wallet.title,
        holder=person.full_name,
        number=card.display_number,
        qr_value=card.number,
        issued_on=local_date(card.issued_at),
        valid_until=local_date(wallet.valid_until),
        balance_at_issue=balance(wallet.account_id, at=card.issued_at),
        shops=shops,
        more_shops=max(0, len(items) - MAX_SHOPS),
        # Organization.phone is the Comune's contact phone; e-mail, then address, otherwise.
        help_phone=issuer.phone.strip(),
        help_other=issuer.email or issuer.address,
        pin=pin,
    )


def citizen_card(actor, pk: int) -> ServedFile | None:
    return card_file(Wallet.objects_unscoped.filter(pk=pk, person_id=actor.user.person_id).first())


def staff_card(actor, pk: int) -> ServedFile | None:
    """The desk prints a card for a citizen of its own Comune (scoped manager)."""
    if not actor.has_perm("desk.assist"):
        return None
    return card_file(Wallet.objects.filter(pk=pk).first())


register_file_kind("card", staff=staff_card, citizen=citizen_card)
