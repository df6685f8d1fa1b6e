"""What the till reads: a signed QR token, a typed 8-digit code, or a 12-digit card number.

The QR token is `BC1.<wallet>.<expiry>.<signature>` (wallet id and Unix expiry in base 36,
HMAC-SHA256 keyed by SECRET_KEY, 80 bits, base 32): checking it needs no query, and a
screenshot stops working after `QR_SECONDS`. Upper-case letters, digits and dots only, so the
QR code uses its compact alphanumeric mode. Typed codes and card numbers end with a Luhn check
digit, so a slip of the finger is caught before any lookup.

A typed code is dictated, so whoever heard it could charge it again while it lives: it is good
for one payment (or one till authorisation). `consume_typed_code` marks it used in the
payment's own transaction; a second use is refused with `code_used`. The signed QR is not
single-use (docs/vouchers.md says why).
"""

import base64
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from stdnum import luhn

from benecomune.vouchers.models import TypedCode
from benecomune.vouchers.services.errors import VoucherError

QR_PREFIX = "BC1"
QR_SECONDS = 300
QR_REFRESH_SECONDS = 60
TYPED_CODE_SECONDS = 600
TYPED_CODE_MIN_LEFT = 240  # a code with less life left is replaced when the page refreshes
CODE_LENGTH = 8
CARD_LENGTH = 12
_SALT = "benecomune.vouchers.qr"
# Brute force of typed codes and card numbers: wrong ones per shop in a window.
MAX_WRONG_CODES = 10
WRONG_CODES_WINDOW = 600


def _b36(n: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _signature(message: str, secret=None) -> str:
    digest = salted_hmac(_SALT, message, secret=secret, algorithm="sha256").digest()[:10]
    return base64.b32encode(digest).decode()


def make_qr_token(wallet_id: int, now: float | None = None) -> tuple[str, int]:
    """A signed token for the wallet and its expiry (Unix seconds)."""
    expires = int(now if now is not None else time.time()) + QR_SECONDS
    body = f"{QR_PREFIX}.{_b36(wallet_id)}.{_b36(expires)}"
    return f"{body}.{_signature(body)}", expires


def read_qr_token(token: str, now: float | None = None) -> int:
    """The wallet id of a valid token; VoucherError("invalid_code") otherwise."""
    parts = token.strip().upper().split(".")
    if len(parts) != 4 or parts[0] != QR_PREFIX:
        raise VoucherError("invalid_code", _("Codice QR non riconosciuto."))
    body = ".".join(parts[:3])
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(hmac.compare_digest(parts[3], _signature(body, secret=key)) for key in keys):
        raise VoucherError("invalid_code", _("Codice QR non valido: non è stato emesso qui."))
    try:
        wallet_id, expires = int(parts[1], 36), int(parts[2], 36)
    except ValueError as exc:  # a signed token always parses; kept for safety
        raise VoucherError("invalid_code", _("Codice QR non riconosciuto.")) from exc
    if expires < (now if now is not None else time.time()):
        raise VoucherError(
            "invalid_code",
            _("Codice QR scaduto: chieda al cittadino di aggiornare la pagina del buono."),
        )
    return wallet_id


@dataclass(frozen=True)
class ReadCode:
    kind: str  # "qr", "code" or "card"
    value: str


def classify(text: str) -> ReadCode:
    """Tell a QR token, a typed code and a card number apart; spaces and dashes are ignored."""
    raw = (text or "").strip()
    if raw.upper().startswith(QR_PREFIX + "."):
        return ReadCode("qr", raw.upper())
    digits = "".join(ch for ch in raw if ch not in " -\u00a0")
    if digits.isdigit() and len(digits) in (CODE_LENGTH, CARD_LENGTH):
        if not luhn.is_valid(digits):
            raise VoucherError(
                "invalid_code",
                _("Il codice %(code)s non è valido: controlli le cifre.") % {"code": digits},
            )
        return ReadCode("code" if len(digits) == CODE_LENGTH else "card", digits)
    raise VoucherError(
        "invalid_code",
        _(
            "Codice non riconosciuto: inquadri il QR, o digiti le 8 cifre del codice o le 12 "
            "della tessera."
        ),
    )


def random_digits(length: int) -> str:
    """`length` digits, the last one a Luhn check digit; never starting with 0."""
    body = str(secrets.randbelow(9) + 1) + "".join(
        str(secrets.randbelow(10)) for _ in range(length - 2)
    )
    return body + luhn.calc_check_digit(body)


def current_typed_code(wallet) -> TypedCode:
    """The wallet's typed code, renewed when it has less than a few minutes left."""
    now = timezone.now()
    existing = (
        TypedCode.objects_unscoped.filter(
            wallet_id=wallet.pk,
            expires_at__gt=now + timedelta(seconds=TYPED_CODE_MIN_LEFT),
            used_at__isnull=True,  # a used code is never shown again
        )
        .order_by("-expires_at")
        .first()
    )
    if existing is not None:
        return existing
    # Old codes of this wallet go; a code is never reused while alive.
    TypedCode.objects_unscoped.filter(wallet_id=wallet.pk, expires_at__lte=now).delete()
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return TypedCode.objects_unscoped.create(
                    code=random_digits(CODE_LENGTH),
                    wallet_id=wallet.pk,
                    organization_id=wallet.organization_id,
                    expires_at=now + timedelta(seconds=TYPED_CODE_SECONDS),
                )
        except IntegrityError:
            # Taken (by a live code, or an expired one not yet purged): draw again.
            TypedCode.objects_unscoped.filter(expires_at__lte=now).delete()
    raise RuntimeError("could not draw a free typed code")


def lookup_typed_code(code: str) -> int:
    """The wallet of a live, unused typed code; `invalid_code` or `code_used` otherwise."""
    row = (
        TypedCode.objects_unscoped.filter(code=code, expires_at__gt=timezone.now())
        .values_list("wallet_id", "used_at")
        .first()
    )
    if row is None:
        raise VoucherError(
            "invalid_code",
            _("Codice %(code)s sconosciuto o scaduto: chieda il codice aggiornato.")
            % {"code": code},
        )
    if row[1] is not None:
        raise code_used(code, row[1])
    return row[0]


def code_used(code: str, used_at) -> VoucherError:
    return VoucherError(
        "code_used",
        _(
            "Il codice %(code)s è già stato usato per un pagamento alle %(time)s e vale una "
            "volta sola: chieda al cittadino il codice nuovo che ora compare sulla pagina del "
            "buono, o il QR."
        )
        % {"code": code, "time": timezone.localtime(used_at).strftime("%H:%M")},
    )


def consume_typed_code(code: str, wallet_id: int) -> None:
    """Mark the code used by the payment (or authorisation) being written: call it inside that
    transaction, before the payment, so a refused payment leaves the code usable. The UPDATE
    takes the code's row lock: of concurrent uses one marks it, the others wait for its
    commit and then find it used (PostgreSQL re-reads the row; SQLite serialises writers)."""
    now = timezone.now()
    marked = TypedCode.objects_unscoped.filter(
        code=code, wallet_id=wallet_id, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if marked == 1:
        return
    used_at = (
        TypedCode.objects_unscoped.filter(code=code, wallet_id=wallet_id, used_at__isnull=False)
        .values_list("used_at", flat=True)
        .first()
    )
    if used_at is not None:
        raise code_used(code, used_at)
    raise VoucherError(
        "invalid_code",
        _("Codice %(code)s scaduto: chieda il codice aggiornato.") % {"code": code},
    )


def purge_typed_codes() -> int:
    return TypedCode.objects_unscoped.filter(expires_at__lte=timezone.now()).delete()[0]


def _attempts_key(merchant_id: int) -> str:
    return f"vouchers:wrong-codes:{merchant_id}"


def check_attempts(merchant_id: int) -> None:
    """Refuse typed codes and card numbers from a shop that got too many wrong lately."""
    if (cache.get(_attempts_key(merchant_id)) or 0) >= MAX_WRONG_CODES:
        raise VoucherError("too_many_attempts")


def count_wrong_code(merchant_id: int) -> None:
    key = _attempts_key(merchant_id)
    if cache.add(key, 1, WRONG_CODES_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WRONG_CODES_WINDOW)
