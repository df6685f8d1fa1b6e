"""Printed voucher cards: issue (which replaces the previous card), block, and the PIN check
at the till with a lockout after `MAX_WRONG_PINS` wrong PINs in a row.

The PIN is stored as HMAC-SHA256 keyed by SECRET_KEY over the card number and the PIN: cheap
enough for the till, and useless to whoever copies the table without the key. The clear PIN is
shown once, at issue, and never stored.
"""

import hmac
import itertools
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from benecomune.core import audit, on_behalf
from benecomune.core.actors import Actor
from benecomune.core.models import Organization, Person
from benecomune.core.notifications import notify_person
from benecomune.ledger.models import Wallet
from benecomune.vouchers.models import CardStatus, VoucherCard
from benecomune.vouchers.services.card_access import card_reason
from benecomune.vouchers.services.codes import CARD_LENGTH, random_digits
from benecomune.vouchers.services.errors import VoucherError

MAX_WRONG_PINS = 5
PIN_LENGTHS = (4, 5, 6)
GENERATED_PIN_LENGTH = 5
_SALT = "benecomune.vouchers.pin"


def pin_hash(number: str, pin: str, secret=None) -> str:
    return salted_hmac(_SALT, f"{number}:{pin}", secret=secret, algorithm="sha256").hexdigest()


def pin_matches(card: VoucherCard, pin: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        hmac.compare_digest(card.pin_hash, pin_hash(card.number, pin, secret=key)) for key in keys
    )


def validate_pin(pin: str) -> str:
    """A PIN a person chose: 4 to 6 digits, not all the same, not a run like 1234."""
    pin = (pin or "").strip()
    if not re.fullmatch(r"\d{4,6}", pin):
        raise VoucherError("validation_error", _("Il PIN deve avere da 4 a 6 cifre."))
    digits = [int(c) for c in pin]
    steps = {b - a for a, b in itertools.pairwise(digits)}
    if len(set(pin)) == 1 or steps in ({1}, {-1}):
        raise VoucherError(
            "validation_error",
            _("Il PIN è troppo facile da indovinare: eviti cifre tutte uguali o in sequenza."),
        )
    return pin


def _generated_pin() -> str:
    while True:
        pin = "".join(str(secrets.randbelow(10)) for _ in range(GENERATED_PIN_LENGTH))
        try:
            return validate_pin(pin)
        except VoucherError:
            continue


def open_card(wallet: Wallet) -> VoucherCard | None:
    return (
        VoucherCard.objects_unscoped.filter(
            wallet_id=wallet.pk, status__in=[CardStatus.ACTIVE, CardStatus.LOCKED]
        )
        .order_by("-issued_at")
        .first()
    )


@on_behalf.refusals_audited
@transaction.atomic
def issue_card(
    actor: Actor, wallet: Wallet, *, pin: str = "", consent: str = ""
) -> tuple[VoucherCard, str]:
    """A new card for the wallet, replacing (and so disabling) any previous one. Returns the
    card and its clear PIN (the one chosen, or a generated one), to be shown once. Staff acts
    for the holder on a delegation or the consent given now (`card_access`)."""
    reason = card_reason(actor, wallet, consent=consent)
    if wallet.expired_at is not None:
        raise VoucherError("expired", _("Il buono è scaduto: non si può stampare una tessera."))
    pin = validate_pin(pin) if pin else _generated_pin()
    Wallet.objects_unscoped.select_for_update().filter(pk=wallet.pk).first()  # one at a time
    previous = open_card(wallet)
    now = timezone.now()
    if previous is not None:
        VoucherCard.objects_unscoped.filter(pk=previous.pk).update(
            status=CardStatus.REPLACED, closed_at=now, close_reason=_("Sostituita da una nuova")
        )
    for _attempt in range(10):
        number = random_digits(CARD_LENGTH)
        try:
            with transaction.atomic():
                card = VoucherCard.objects_unscoped.create(
                    wallet_id=wallet.pk,
                    organization_id=wallet.organization_id,
                    number=number,
                    pin_hash=pin_hash(number, pin),
                    issued_by=actor.user,
                )
            break
        except IntegrityError:
            continue
    else:
        raise RuntimeError("could not draw a free card number")
    audit.record(
        actor,
        "vouchers.card_reissued" if previous else "vouchers.card_issued",
        card,
        organization=Organization(pk=wallet.organization_id),
        person=Person(pk=wallet.person_id),
        before={"card": previous.pk, "status": previous.status} if previous else None,
        after={"card": card.pk, "number_end": number[-4:]},
        reason=reason,
    )
    if previous is not None:
        _notify(
            wallet,
            _("Nuova tessera per il buono «%(title)s»") % {"title": wallet.title},
            _(
                "È stata emessa una nuova tessera (finale %(end)s) per il buono «%(title)s». "
                "La tessera precedente non funziona più. Se non è stato lei, si rivolga "
                "subito allo sportello del Comune."
            )
            % {"end": number[-4:], "title": wallet.title},
        )
    return card, pin


@on_behalf.refusals_audited
@transaction.atomic
def block_card(actor: Actor, card: VoucherCard, *, reason: str = "") -> VoucherCard:
    """Block a card at once (lost, stolen): it stops working at every till."""
    wallet = Wallet.objects_unscoped.get(pk=card.wallet_id)
    acting = card_reason(actor, wallet, protective=True)
    current = VoucherCard.objects_unscoped.select_for_update().get(pk=card.pk)
    if current.status not in (CardStatus.ACTIVE, CardStatus.LOCKED):
        return current
    before = current.status
    current.status = CardStatus.BLOCKED
    current.closed_at = timezone.now()
    current.close_reason = (reason or _("Bloccata dal titolare"))[:200]
    current.save(update_fields=["status", "closed_at", "close_reason"])
    audit.record(
        actor,
        "vouchers.card_blocked",
        current,
        organization=Organization(pk=wallet.organization_id),
        person=Person(pk=wallet.person_id),
        before={"status": before},
        after={"status": current.status},
        reason=" — ".join(filter(None, [reason, acting])),
    )
    _notify(
        wallet,
        _("Tessera del buono bloccata"),
        _(
            "La tessera che finisce con %(end)s del buono «%(title)s» è stata bloccata e non "
            "si può più usare. Il saldo del buono resta intatto: può chiedere una nuova "
            "tessera o pagare con il codice QR."
        )
        % {"end": current.number[-4:], "title": wallet.title},
    )
    return current


def _notify(wallet: Wallet, subject: str, body: str) -> None:
    person = Person.objects_unscoped.get(pk=wallet.person_id)
    notify_person(
        person,
        subject=subject,
        body=body,
        link=reverse("vouchers:card", kwargs={"pk": wallet.pk}),
    )


def find_card(number: str) -> VoucherCard:
    card = (
        VoucherCard.objects_unscoped.filter(number=number)
        .only("pk", "wallet_id", "organization_id", "number", "pin_hash", "status", "failed_pins")
        .first()
    )
    if card is None:
        raise VoucherError("invalid_code", _("Tessera sconosciuta: controlli il numero."))
    return card


def check_card_usable(card: VoucherCard) -> None:
    if card.status == CardStatus.LOCKED:
        raise VoucherError(
            "card_locked",
            _("Tessera bloccata dopo %(n)s PIN errati: il titolare può chiederne una nuova.")
            % {"n": MAX_WRONG_PINS},
        )
    if card.status in (CardStatus.BLOCKED, CardStatus.REPLACED):
        raise VoucherError(
            "card_blocked",
            _("Tessera bloccata o sostituita: non si può usare.")
            if card.status == CardStatus.BLOCKED
            else _("Questa tessera è stata sostituita da una nuova: non si può più usare."),
        )


def verify_pin(actor: Actor, card: VoucherCard, pin: str | None) -> None:
    """Raise unless `pin` opens `card`. A wrong PIN is counted (committed even though the
    request fails); the fifth in a row locks the card and tells its holder."""
    check_card_usable(card)
    if pin and pin_matches(card, pin):
        if card.failed_pins:
            VoucherCard.objects_unscoped.filter(pk=card.pk).update(failed_pins=0)
        return
    if not pin:
        raise VoucherError("wrong_pin", _("Digiti il PIN della tessera."))
    with transaction.atomic():
        current = VoucherCard.objects_unscoped.select_for_update().get(pk=card.pk)
        check_card_usable(current)
        current.failed_pins += 1
        locked = current.failed_pins >= MAX_WRONG_PINS
        if locked:
            current.status = CardStatus.LOCKED
            current.closed_at = timezone.now()
            current.close_reason = _("PIN errato %(n)s volte") % {"n": MAX_WRONG_PINS}
        current.save(update_fields=["failed_pins", "status", "closed_at", "close_reason"])
        if locked:
            wallet = Wallet.objects_unscoped.get(pk=current.wallet_id)
            audit.record(
                actor,
                "vouchers.card_locked",
                current,
                organization=Organization(pk=current.organization_id),
                person=Person(pk=wallet.person_id),
                after={"status": current.status, "failed_pins": current.failed_pins},
            )
            _notify(
                wallet,
                _("Tessera del buono bloccata per PIN errati"),
                _(
                    "Alla cassa è stato digitato %(n)s volte un PIN errato per la tessera che "
                    "finisce con %(end)s: la tessera è bloccata. Può chiederne una nuova "
                    "nella sua area personale o allo sportello."
                )
                % {"n": MAX_WRONG_PINS, "end": current.number[-4:]},
            )
    if locked:
        raise VoucherError(
            "card_locked",
            _("PIN errato per la quinta volta: la tessera ora è bloccata."),
        )
    left = MAX_WRONG_PINS - current.failed_pins
    raise VoucherError(
        "wrong_pin",
        _("PIN errato. Tentativi rimasti prima del blocco: %(left)s.") % {"left": left},
    )


def cards_of(wallet: Wallet):
    return VoucherCard.objects_unscoped.filter(wallet_id=wallet.pk).order_by("-issued_at")
