"""Italian identifiers: codice fiscale, partita IVA, IBAN. Messages in Italian, for people."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.it import iva


@dataclass(frozen=True)
class FiscalCodeData:
    code: str
    birth_date: date
    sex: str  # "M" or "F"
    birthplace_code: str  # codice catastale (Belfiore)
    birthplace_name: str
    is_omocode: bool


def normalize_fiscal_code(value: str) -> str:
    return "".join((value or "").split()).upper()


def parse_fiscal_code(value: str) -> FiscalCodeData:
    """Validate a codice fiscale and derive birth date, sex and birthplace.

    Omocodia (digits replaced by letters when two people share a code) is handled: the code is
    kept as issued, and the data are read from it all the same.
    """
    code = normalize_fiscal_code(value)
    if len(code) != 16:
        raise ValidationError(
            _("Il codice fiscale deve avere 16 caratteri (ne sono stati inseriti %(n)s)."),
            code="fiscal_code_length",
            params={"n": len(code)},
        )
    data = _decoded(code)
    if data is None:
        raise ValidationError(
            _("Il codice fiscale %(code)s non è valido: controlli lettere e cifre."),
            code="fiscal_code_invalid",
            params={"code": code},
        )
    return data


@lru_cache(maxsize=4096)
def _decoded(code: str) -> FiscalCodeData | None:
    """The data of a 16-character code, None when invalid. Decoded once (the library's
    `is_valid` and `is_omocode` each decode it again, and decoding lists every omocode: a
    roster of thousands of rows spent most of its time here); pure, so cached."""
    try:
        data = codicefiscale.decode(code)
    except ValueError:
        return None
    place = data.get("birthplace") or {}
    return FiscalCodeData(
        code=code,
        birth_date=data["birthdate"].date(),
        sex=data["gender"],
        birthplace_code=place.get("code", code[11:15]),
        birthplace_name=place.get("name", ""),
        # As codicefiscale.is_omocode: the code is one of the omocodes after the first.
        is_omocode=code in data["omocodes"][1:],
    )


def validate_fiscal_code(value: str) -> None:
    parse_fiscal_code(value)


def normalize_iban(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_iban(value: str) -> None:
    try:
        IBAN(normalize_iban(value))
    except SchwiftyException as exc:
        raise ValidationError(
            _("L'IBAN %(iban)s non è valido: controlli di averlo copiato per intero."),
            code="iban_invalid",
            params={"iban": normalize_iban(value)},
        ) from exc


def normalize_vat_number(value: str) -> str:
    code = "".join((value or "").split()).upper()
    return code[2:] if code.startswith("IT") else code


def validate_vat_number(value: str) -> None:
    if not iva.is_valid(normalize_vat_number(value)):
        raise ValidationError(
            _("La partita IVA %(vat)s non è valida: deve avere 11 cifre e un controllo corretto."),
            code="vat_invalid",
            params={"vat": normalize_vat_number(value)},
        )
