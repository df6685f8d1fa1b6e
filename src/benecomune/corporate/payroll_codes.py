"""Default payroll item codes, and the company's full mapping (defaults + its own rows).

A code names one combination of legal basis, exempt or taxable, and productivity-bonus
conversion: `WFB-E` is lett. f-bis exempt, `WFB-E-PDR` the same from a converted bonus,
`WC3B-T` c.3 goods that became taxable. A payroll office that uses other codes changes them on
the mapping page (`PayrollItemCode` rows); the defaults are only a start."""

import re

from django.utils.translation import gettext as _

# Legal basis code -> short name used in the default codes.
SHORT = {
    "art51_c2_a": "WA",
    "art51_c2_d_bis": "WDB",
    "art51_c2_f": "WF",
    "art51_c2_f_bis": "WFB",
    "art51_c2_f_ter": "WFT",
    "art51_c3_goods": "WC3B",
    "art51_c3_utilities": "WC3U",
    "art51_c3_housing": "WC3H",
}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,19}$")
COMBINATIONS = ((False, False), (True, False), (False, True), (True, True))  # (taxable, bonus)


def default_code(basis_code: str, taxable: bool, from_bonus: bool) -> str:
    short = SHORT.get(basis_code) or basis_code.upper().replace("_", "")[:10]
    return f"{short}-{'T' if taxable else 'E'}{'-PDR' if from_bonus else ''}"


def check_code(code: str) -> str:
    """The code cleaned, or ValueError with an Italian message."""
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise ValueError(
            _(
                "«%(code)s» non è una voce valida: da 1 a 20 caratteri tra lettere, cifre, "
                "punto, trattino, barra e trattino basso, senza spazi."
            )
            % {"code": code}
        )
    return code


def mapping_for(company_id: int) -> dict[tuple[str, bool, bool], str]:
    """(basis code, taxable, from_bonus) -> payroll item code, for every active basis."""
    from benecomune.corporate.models import LegalBasis, PayrollItemCode

    mapping = {
        (code, taxable, bonus): default_code(code, taxable, bonus)
        for code in LegalBasis.objects.values_list("code", flat=True)
        for taxable, bonus in COMBINATIONS
    }
    for row in PayrollItemCode.objects_unscoped.filter(company_id=company_id).values(
        "legal_basis__code", "taxable", "from_bonus", "code"
    ):
        mapping[(row["legal_basis__code"], row["taxable"], row["from_bonus"])] = row["code"]
    return mapping
