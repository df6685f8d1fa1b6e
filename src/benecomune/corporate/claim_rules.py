"""Document rules of company-plan reimbursement claims, per expense category.

Each row: the legal basis the expense rests on, who may be the beneficiary, which documents
prove it, and whether a self-declaration (art. 47 D.P.R. 445/2000) may stand in for the
document, as the Agenzia delle Entrate allows for utilities (circ. 4/E 2023). Lett. f is never
here: its works and services are only delivered through the platform.
"""

import dataclasses

from django.utils.translation import gettext_lazy as _

from benecomune.payouts.models import ClaimCategory

SELF, CHILD, FAMILY = "self", "child", "family"
BENEFICIARIES = [
    (SELF, _("Io (il dipendente)")),
    (CHILD, _("Un figlio fiscalmente a carico")),
    (FAMILY, _("Un altro familiare (art. 12 TUIR)")),
]
RELATIONSHIPS = [
    ("spouse", _("Coniuge o unito civilmente")),
    ("parent", _("Genitore")),
    ("sibling", _("Fratello o sorella")),
    ("other", _("Altro familiare (art. 433 c.c.)")),
]

DOCUMENT_TYPES = [
    ("invoice", _("Fattura")),
    ("receipt", _("Ricevuta o quietanza")),
    ("pass", _("Abbonamento con ricevuta di pagamento")),
    ("bill", _("Bolletta")),
    ("rent_receipt", _("Ricevuta del canone (contratto registrato)")),
    ("bank_statement", _("Certificazione interessi della banca")),
    ("self_declaration", _("Autocertificazione")),
]
# Traced payments only: the expense must be provable (and cash is never traced).
PAYMENT_METHODS = [
    ("transfer", _("Bonifico")),
    ("card", _("Carta di pagamento")),
    ("direct_debit", _("Addebito diretto (SDD)")),
    ("postal", _("Bollettino postale o PagoPA")),
    ("cash", _("Contanti")),
]
TRACED_METHODS = frozenset({"transfer", "card", "direct_debit", "postal"})


@dataclasses.dataclass(frozen=True)
class ClaimRule:
    category: str
    basis: str  # LegalBasis.code
    beneficiaries: tuple[str, ...]
    documents: tuple[str, ...]
    self_declaration: bool = False


RULES = {
    rule.category: rule
    for rule in (
        ClaimRule(ClaimCategory.SCHOOL, "art51_c2_f_bis", (CHILD, FAMILY), ("invoice", "receipt")),
        ClaimRule(ClaimCategory.SUMMER_CAMP, "art51_c2_f_bis", (CHILD,), ("invoice", "receipt")),
        ClaimRule(ClaimCategory.WINTER_CAMP, "art51_c2_f_bis", (CHILD,), ("invoice", "receipt")),
        ClaimRule(
            ClaimCategory.PERSONAL_CARE, "art51_c2_f_ter", (FAMILY, CHILD), ("invoice", "receipt")
        ),
        ClaimRule(ClaimCategory.TRANSPORT, "art51_c2_d_bis", (SELF, CHILD, FAMILY), ("pass",)),
        ClaimRule(
            ClaimCategory.UTILITIES,
            "art51_c3_utilities",
            (SELF,),
            ("bill", "self_declaration"),
            self_declaration=True,
        ),
        ClaimRule(ClaimCategory.RENT, "art51_c3_housing", (SELF,), ("rent_receipt",)),
        ClaimRule(
            ClaimCategory.MORTGAGE_INTEREST, "art51_c3_housing", (SELF,), ("bank_statement",)
        ),
    )
}


def categories_choices():
    labels = dict(ClaimCategory.choices)
    return [(code, labels[code]) for code in RULES]
