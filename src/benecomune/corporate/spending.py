"""The spending policy of a company welfare plan (wallet source `company_plan`).

Art. 51 TUIR decides what a plan may pay for without being taxed as income: here the merchant
categories of services for education, tutoring, care of family members and health
(`ART51_CATEGORIES`). A plan's wallet stores its categories, always a non-empty subset of
those (`plan_categories`, for whoever opens plan wallets), and the policy checks them with the
wallet's dates; there is no territory. The cap per plan is the amount credited to the wallet
(what the company funds for the employee and the year): the transfer's balance check enforces
it, so it is not a separate rule. Plans have no model yet; this is the minimal policy over what
the Wallet has today.
"""

from django.utils.translation import gettext as _

from benecomune.core.models import MerchantCategory
from benecomune.ledger import spending
from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.models import WalletSource

ART51_CATEGORIES = frozenset(
    {
        MerchantCategory.EDUCATION,
        MerchantCategory.TUTORING,
        MerchantCategory.HOME_CARE,
        MerchantCategory.PHARMACY,
    }
)

COMPANY_PLAN = spending.SpendingPolicy("company_plan", (*spending.VALIDITY, spending.CATEGORIES))


def plan_categories(requested=()) -> list[str]:
    """The categories to store on a plan's wallet: the requested ones (all of art. 51 when
    none), refused when one is outside art. 51."""
    chosen = set(requested) or set(ART51_CATEGORIES)
    outside = chosen - ART51_CATEGORIES
    if outside:
        raise LedgerError(
            _("Categorie non ammesse da un piano di welfare (art. 51 TUIR): %(categories)s.")
            % {"categories": spending.categories_text(sorted(outside)) or ", ".join(outside)}
        )
    return sorted(str(c) for c in chosen)


def register() -> None:
    spending.register_policy(WalletSource.COMPANY_PLAN, COMPANY_PLAN)
