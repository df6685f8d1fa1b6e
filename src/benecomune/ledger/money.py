"""Money at the edges: parse what people type ("1.234,56", "1234.56") into integer cents, and
format cents as "€ 1.234,56". Inside the ledger amounts are always integer cents."""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_CENTS = 10**15  # ten thousand billion euro: anything above is a typing error


def parse_euro(text: str | Decimal) -> int:
    """Cents from "12,50", "1.234,56", "1234.56", "€ 10". Raises ValidationError (Italian).

    With one separator only, three digits after it mean thousands ("1.234" is 1234 euro, as
    an Italian writes it); a comma followed by three digits is refused as ambiguous.
    """
    if isinstance(text, Decimal):
        return _to_cents(text)
    s = str(text).strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if s.startswith("-"):
        raise ValidationError(_("L'importo deve essere maggiore di zero."))
    if not re.fullmatch(r"\d[\d.,]*", s):
        raise ValidationError(_("Importo non valido: scriva ad esempio 1.234,56."))
    integer, decimals = s, ""
    if "," in s and "." in s:
        decimal_sep = "," if s.rfind(",") > s.rfind(".") else "."
        thousands_sep = "." if decimal_sep == "," else ","
        integer, decimals = s.rsplit(decimal_sep, 1)
        if decimal_sep in integer or not _grouped(integer, thousands_sep):
            raise ValidationError(_("Importo non valido: scriva ad esempio 1.234,56."))
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        head, tail = s.rsplit(sep, 1)
        if s.count(sep) > 1 or (sep == "." and len(tail) == 3):
            if not _grouped(s, sep):
                raise ValidationError(_("Importo non valido: scriva ad esempio 1.234,56."))
        else:
            integer, decimals = head, tail
    integer = integer.replace(".", "").replace(",", "")
    if not integer.isdigit() or (not decimals.isdigit() and decimals != "") or len(decimals) > 2:
        raise ValidationError(_("Importo non valido: al massimo due decimali, ad esempio 12,50."))
    if s.endswith((",", ".")):
        raise ValidationError(_("Importo non valido: scriva ad esempio 12,50."))
    return _to_cents(Decimal(f"{integer}.{decimals or '0'}"))


def _grouped(text: str, sep: str) -> bool:
    return re.fullmatch(r"\d{1,3}(" + re.escape(sep) + r"\d{3})+|\d+", text) is not None


def _to_cents(value: Decimal) -> int:
    try:
        cents = value * 100
    except InvalidOperation as exc:
        raise ValidationError(_("Importo non valido.")) from exc
    if cents != cents.to_integral_value():
        raise ValidationError(_("Importo non valido: al massimo due decimali, ad esempio 12,50."))
    cents = int(cents)
    if cents <= 0:
        raise ValidationError(_("L'importo deve essere maggiore di zero."))
    if cents >= MAX_CENTS:
        raise ValidationError(_("Importo troppo grande: controlli le cifre."))
    return cents


def format_euro(cents: int | None, *, sign: bool = False) -> str:
    """ "€ 1.234,56" (and "-€ 1.234,56"); with sign=True a credit shows "+€ 1.234,56"."""
    if cents is None:
        return ""
    cents = int(cents)
    negative = cents < 0
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", ".")
    text = f"€ {grouped},{rest:02d}"
    if negative:
        return "-" + text
    return ("+" + text) if sign and cents > 0 else text


def format_decimal(cents: int) -> str:
    """ "1234,56": for CSV files read by Italian spreadsheets (no symbol, no grouping)."""
    cents = int(cents)
    euros, rest = divmod(abs(cents), 100)
    return f"{'-' if cents < 0 else ''}{euros},{rest:02d}"
