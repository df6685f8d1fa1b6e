"""The ISTAT list of Italian Comuni shipped as data (core/data/comuni_istat.csv).

A Comune added from the pages must carry a real ISTAT code, and its name must be the one ISTAT
gives that code: a typo in the code would otherwise attach a Comune's payments and reports to
another one.
"""

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DATA_FILE = Path(__file__).parent / "data" / "comuni_istat.csv"


@dataclass(frozen=True)
class IstatComune:
    istat_code: str
    name: str
    official_name: str
    province: str
    cadastral_code: str
    region: str


@cache
def comuni() -> dict[str, IstatComune]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["istat_code"]: IstatComune(**row) for row in csv.DictReader(handle)}


def _fold(name: str) -> str:
    """Compare names ignoring case, accents, apostrophes and spacing ("Agliè" = "aglie")."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(c for c in text.casefold() if c.isalnum())


def normalize_istat_code(value: str) -> str:
    code = "".join((value or "").split())
    return code.zfill(6) if code.isdigit() and len(code) < 6 else code


def lookup(code: str) -> IstatComune | None:
    return comuni().get(normalize_istat_code(code))


def check_comune(code: str, name: str) -> IstatComune:
    """Return the ISTAT entry for `code`, or raise a ValidationError (Italian, per field)
    when the code is unknown or belongs to a Comune with another name."""
    code = normalize_istat_code(code)
    if len(code) != 6 or not code.isdigit():
        raise ValidationError({"istat_code": _("Il codice ISTAT ha 6 cifre (per esempio 028063).")})
    entry = comuni().get(code)
    if entry is None:
        raise ValidationError(
            {
                "istat_code": _(
                    "Il codice ISTAT %(code)s non corrisponde a nessun Comune italiano: "
                    "lo controlli nell'elenco ISTAT dei Comuni."
                )
                % {"code": code}
            }
        )
    names = {_fold(entry.name), _fold(entry.official_name)}
    names |= {_fold(part) for part in entry.official_name.split("/")}
    if name and _fold(name) not in names:
        raise ValidationError(
            {
                "name": _(
                    "Il codice ISTAT %(code)s è del Comune di %(istat_name)s (%(province)s), "
                    "non di «%(name)s»: controlli il nome o il codice."
                )
                % {
                    "code": code,
                    "istat_name": entry.name,
                    "province": entry.province,
                    "name": name,
                }
            }
        )
    return entry
