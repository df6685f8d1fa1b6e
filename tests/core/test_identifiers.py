import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError

from benecomune.core.identifiers import (
    parse_fiscal_code,
    validate_iban,
    validate_vat_number,
)

VALID = "RSSMRA80B01G587R"  # Mario Rossi, 1 Feb 1980, Piazzola sul Brenta


def test_valid_fiscal_code_derives_birth_date_sex_and_place():
    data = parse_fiscal_code(VALID)
    assert data.birth_date.isoformat() == "1980-02-01"
    assert data.sex == "M"
    assert data.birthplace_code == "G587"
    assert not data.is_omocode


def test_female_fiscal_code_day_offset():
    code = codicefiscale.encode(
        lastname="Bianchi",
        firstname="Anna",
        gender="F",
        birthdate="15/07/1992",
        birthplace="Limena",
    )
    data = parse_fiscal_code(code.lower())  # case and spaces are normalised
    assert data.sex == "F"
    assert data.birth_date.isoformat() == "1992-07-15"


def test_omocode_is_valid_and_decoded():
    omocode = "RSSMRA80B01G58TO"  # last digit of the place code replaced by a letter
    data = parse_fiscal_code(omocode)
    assert data.is_omocode
    assert data.code == omocode
    assert data.birth_date.isoformat() == "1980-02-01"
    assert data.birthplace_code == "G587"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("RSSMRA80B01G587X", "non è valido"),  # wrong check character
        ("RSSMRA80B01G58", "16 caratteri"),
        ("", "16 caratteri"),
        ("RSSMRA80Z01G587R", "non è valido"),  # no month Z
    ],
)
def test_invalid_fiscal_codes_have_italian_messages(value, fragment):
    with pytest.raises(ValidationError) as exc:
        parse_fiscal_code(value)
    assert fragment in exc.value.messages[0]


def test_iban_valid_and_invalid():
    validate_iban("IT60 X054 2811 1010 0000 0123 456")
    with pytest.raises(ValidationError) as exc:
        validate_iban("IT60X0542811101000000123457")
    assert "IBAN" in exc.value.messages[0] and "non è valido" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        validate_iban("not an iban")


def test_vat_number():
    validate_vat_number("04123450282")
    validate_vat_number("IT04123450282")
    with pytest.raises(ValidationError) as exc:
        validate_vat_number("04123450283")
    assert "partita IVA" in exc.value.messages[0]


# The project's decoder (core.identifiers._decode) skips the library's omocode list; it must
# accept, refuse and read every code exactly as `codicefiscale.decode` does.
LIBRARY_CASES = [
    "RSSMRA80A01H501U",  # valid
    "RSSMRA80A01H501V",  # wrong check character
    "RSSMRA80A41H501Y",  # a woman (day + 40)
    "RSSMRA80A01H50MI",  # omocode (letter for the last digit of the place)
    "RSSMRAUMALMH5MMI",  # omocode, every substitutable position
    "RSSMRA80A32H501X",  # 32 January
    "RSSMRA80A01Z999X",  # unknown place
    "RSSMRA05B29H501X",  # 29 February of a non-leap year
    "BNCGNN20C10F205Q",  # born in 1920 or 2020: the century guess
    "MRARSS01T45Z404D",  # born abroad
]


@pytest.mark.parametrize("code", LIBRARY_CASES)
def test_the_fast_decoder_agrees_with_the_library(code):
    from codicefiscale import codicefiscale as cf

    from benecomune.core.identifiers import _decode

    try:
        expected = cf.decode(code)
    except ValueError:
        with pytest.raises(ValueError):
            _decode(code)
        return
    got = _decode(code)
    assert got["birthdate"] == expected["birthdate"]
    assert got["gender"] == expected["gender"]
    assert got["birthplace"] == expected["birthplace"]
    assert got["is_omocode"] == (code in expected["omocodes"][1:])
