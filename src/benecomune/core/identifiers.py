"""Italian identifiers: codice fiscale, partita IVA, IBAN. Messages in Italian, for people."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache

from codicefiscale import codicefiscale as cf
from django.core.exceptions import ValidationError
from django.utils import timezone
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
    """The data of a 16-character code, None when invalid. Pure, so cached."""
    try:
        data = _decode(code)
    except ValueError:
        return None
    place = data["birthplace"] or {}
    return FiscalCodeData(
        code=code,
        birth_date=data["birthdate"].date(),
        sex=data["gender"],
        birthplace_code=place.get("code", code[11:15]),
        birthplace_name=place.get("name", ""),
        is_omocode=data["is_omocode"],
    )


def _decode(code: str) -> dict:
    """`codicefiscale.decode` without what we never read: its list of the 128 omocodes of the
    code (128 check-character computations per code: most of a 10,000-row roster import's
    time) and the first-name guesses. The same checks in the same order (format, date,
    birthplace valid on that date, people over 100, check character), from the library's own
    tables; tests/core/test_identifiers.py compares both on valid, omocode and broken codes.
    An omocode is a code with a letter where the root has a digit (is_omocode)."""
    raw = cf.decode_raw(code)
    code = raw["code"]
    year = int(raw["birthdate_year"].translate(cf._OMOCODIA_DECODE_TRANS))
    month = cf._MONTHS.index(raw["birthdate_month"]) + 1
    day = int(raw["birthdate_day"].translate(cf._OMOCODIA_DECODE_TRANS))
    gender = "M"
    if day > 40:
        day, gender = day - 40, "F"
    current_year = timezone.localdate().year
    year = int(f"{str(current_year)[:-2]}{str(year).zfill(2)}")
    if year > current_year:
        year -= 100
    first_error = None
    for _attempt in range(2):
        try:
            birthdate = datetime(year, month, day)  # ValueError: no such day
            place_code = raw["birthplace"][0] + raw["birthplace"][1:].translate(
                cf._OMOCODIA_DECODE_TRANS
            )
            birthplace = _birthplace(place_code.upper(), birthdate)
            if not birthplace:
                raise ValueError("wrong birthplace code")
            break
        except ValueError as error:  # people over 100 years old: the century before
            first_error = first_error or error
            year -= 100
    else:
        raise first_error
    if raw["cin"] != cf.encode_cin(code):
        raise ValueError("wrong check character")
    root = cf._get_omocode(code, subs=cf._OMOCODIA_SUBS_INDEXES, trans=cf._OMOCODIA_DECODE_TRANS)
    return {
        "birthdate": birthdate,
        "gender": gender,
        "birthplace": birthplace,
        "is_omocode": code != root,
    }


def _birthplace(code: str, birthdate: datetime) -> dict | None:
    """The place with codice catastale `code` that existed on `birthdate` (the library's
    `_get_birthplace` for a code, with each place's dates parsed once instead of per call)."""
    options = _places(code)
    if not options:
        return None
    for created, deleted, option in options:
        if created <= birthdate <= deleted:
            return option.copy()
    return cf._get_birthplace_fallback([option for _c, _d, option in options], birthdate)


@cache
def _places(code: str) -> tuple:
    options = cf._get_data()["codes"].get(code) or []
    return tuple(
        (
            cf._get_date(option["date_created"]) or datetime.min,
            cf._get_date(option["date_deleted"]) or datetime.max,
            option,
        )
        for option in options
    )


def validate_fiscal_code(value: str) -> None:
    parse_fiscal_code(value)


def fiscal_code_mismatches(
    code: str, *, first_name: str = "", last_name: str = "", birth_date=None, sex: str = ""
) -> dict[str, str]:
    """{field: Italian message} for each datum the codice fiscale contradicts: the surname
    (letters 1-3), the first name (4-6), and, when given, the birth date and the sex. Omocodia
    replaces digits only, never these letters. A code that does not parse is someone else's
    message (parse_fiscal_code); blank values are not compared."""
    code = normalize_fiscal_code(code)
    try:
        data = parse_fiscal_code(code)
    except ValidationError:
        return {}
    wrong = {}
    if last_name.strip() and cf.encode_lastname(last_name) != code[:3]:
        wrong["last_name"] = _("Il codice fiscale non corrisponde al cognome indicato.")
    if first_name.strip() and cf.encode_firstname(first_name) != code[3:6]:
        wrong["first_name"] = _("Il codice fiscale non corrisponde al nome indicato.")
    if birth_date and birth_date != data.birth_date:
        wrong["birth_date"] = _("Il codice fiscale non corrisponde alla data di nascita indicata.")
    if sex and sex != data.sex:
        wrong["sex"] = _("Il codice fiscale non corrisponde al sesso indicato.")
    return wrong


def check_fiscal_code_matches(code: str, **given) -> None:
    """Refuse (ValidationError by field) a codice fiscale that contradicts the name, surname,
    birth date or sex given with it (see fiscal_code_mismatches)."""
    wrong = fiscal_code_mismatches(code, **given)
    if wrong:
        raise ValidationError(wrong)


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


def mask_iban(value: str) -> str:
    """An IBAN as audit events and notices show it: country and check digits and the last
    four characters, the rest hidden ("IT60…3456"); "" for none."""
    iban = normalize_iban(value)
    if not iban:
        return ""
    return f"{iban[:4]}…{iban[-4:]}" if len(iban) > 8 else "…" + iban[-4:]


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
