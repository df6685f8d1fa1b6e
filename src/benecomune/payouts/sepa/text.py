"""Text for SEPA files: the EPC basic character set only (banks reject the rest)."""

import re

from text_unidecode import unidecode

# EPC SEPA credit transfer implementation guidelines: a-z A-Z 0-9 / - ? : ( ) . , ' + space
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_ALREADY_CLEAN = re.compile(r"[A-Za-z0-9\-?:().,'+]([A-Za-z0-9/\-?:().,'+]| (?! ))*")
_SPACES = re.compile(r"\s+")


def sepa_text(value: str, max_length: int) -> str:
    """Transliterate (à → a, ß → ss), drop what the basic set does not allow, trim."""
    value = value or ""
    # Most names and remittance texts are plain already: skip the transliteration (the bank
    # file of a 100k batch calls this 200k times).
    if (
        len(value) <= max_length
        and _ALREADY_CLEAN.fullmatch(value)
        and "//" not in value
        and not value.endswith(("/", " "))
    ):
        return value
    text = unidecode(value).replace("&", "e")
    text = _SPACES.sub(" ", _NOT_ALLOWED.sub(" ", text)).strip()
    # An identifier may not start or end with '/' nor contain '//'.
    text = text.replace("//", "/").strip("/ ")
    return text[:max_length].strip() or "-"
