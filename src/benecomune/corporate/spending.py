"""The spending policy of a company welfare plan (wallet source `company_plan`).

A plan wallet pays only for what its plan version allows, read from the version's
`PlanCategoryRule` rows (one per legal basis of art. 51 TUIR, `LegalBasis`):

- **Marketplace services** (an intent paying `marketplace.service`): the *service's* art. 51
  category decides, never the provider's merchant category (a cooperative selling home care is
  of merchant category "altro"). `SERVICE_BASES` says which legal bases can cover each service
  category: lett. f covers every one (works and services delivered through the platform),
  f-bis education and tutoring, f-ter home care. The plan must have one of them.
- **Voucher-circuit shops** (no purchase object: the till, a shop's checkout): goods and
  services as a c.3 fringe benefit, so the plan must allow `art51_c3_goods`, and the shop's
  merchant category must be among the wallet's categories (the till's SQL gate checks that).
- **Reimbursements** are claims (services/claims.py), never purchases: lett. f is never
  reimbursed.

Per-category limits (`PlanCategoryRule.limit`, per employee and period) and the c.3 fringe cap
are counted when a hold is written (`services.fringe`, the ledger's hold hooks).
"""

from django.utils.translation import gettext as _

from benecomune.core.compiled_queries import CompiledQuery
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

F = "art51_c2_f"
F_BIS = "art51_c2_f_bis"
F_TER = "art51_c2_f_ter"
C3_GOODS = "art51_c3_goods"

# The legal bases that may cover a marketplace service of each art. 51 category, in order of
# preference (the first one the plan has is the one the purchase counts under).
SERVICE_BASES: dict[str, tuple[str, ...]] = {
    MerchantCategory.EDUCATION: (F_BIS, F),
    MerchantCategory.TUTORING: (F_BIS, F),
    MerchantCategory.HOME_CARE: (F_TER, F),
    MerchantCategory.PHARMACY: (F,),
}


def plan_categories(requested=(), version=None) -> list[str]:
    """The categories to store on a plan's wallet.

    With `version`: the service categories its legal bases cover, plus every merchant category
    when it allows c.3 goods (shops of the voucher circuit). Without: the requested ones (all
    of art. 51 when none), refused when one is outside art. 51."""
    if version is not None:
        codes = {rule.legal_basis.code for rule in version.rule_rows()}
        chosen = {c for c, bases in SERVICE_BASES.items() if codes & set(bases)}
        if C3_GOODS in codes:
            chosen |= set(MerchantCategory.values)
        return sorted(str(c) for c in chosen)
    chosen = set(requested) or set(ART51_CATEGORIES)
    outside = chosen - ART51_CATEGORIES
    if outside:
        raise LedgerError(
            _("Categorie non ammesse da un piano di welfare (art. 51 TUIR): %(categories)s.")
            % {"categories": spending.categories_text(sorted(outside)) or ", ".join(outside)}
        )
    return sorted(str(c) for c in chosen)


def _rules_of_version(version_id: int):
    from benecomune.corporate.models import PlanCategoryRule  # models import this module

    return PlanCategoryRule.objects_unscoped.filter(version_id=version_id).select_related(
        "legal_basis"
    )


# Read by every payment from a plan wallet (core.compiled_queries); the same rows as
# PlanVersion.rule_rows().
RULES_OF_VERSION = CompiledQuery("plan_rules", _rules_of_version, -7_013_000)


def rule_codes(version) -> dict[str, object]:
    cached = getattr(version, "_rules_by_code", None)
    if cached is None:
        cached = {rule.legal_basis.code: rule for rule in RULES_OF_VERSION(version.pk)}
        version._rules_by_code = cached
    return cached


def service_of(purchase):
    from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE, service_of_object

    if not purchase.object_type.startswith(SERVICE_OBJECT_TYPE):
        return None
    return service_of_object(purchase.object_id)


def basis_for_service(version, service) -> str | None:
    """The legal basis of `version` covering `service` (None: the plan does not pay it)."""
    codes = rule_codes(version)
    for code in SERVICE_BASES.get(service.art51_category, ()):
        if code in codes:
            return code
    return None


def basis_for_purchase(wallet, merchant) -> str | None:
    """The legal basis a purchase by a plan wallet counts under, or None when the plan does not
    pay it (or the wallet has no plan version)."""
    from benecomune.corporate.plan_wallets import plan_version_of

    version = plan_version_of(wallet)
    if version is None:
        return None
    purchase = spending.current_purchase()
    if purchase is not None:
        service = service_of(purchase)
        return basis_for_service(version, service) if service is not None else None
    return C3_GOODS if C3_GOODS in rule_codes(version) else None


def _plan_allows(wallet, provider, amount, day):
    from benecomune.corporate.plan_wallets import plan_version_of

    purchase = spending.current_purchase()
    version = plan_version_of(wallet)
    if purchase is not None:
        # The object's purchase rule and its art. 51 category decide, not the provider's
        # merchant category.
        service = service_of(purchase)
        if version is None or service is None or basis_for_service(version, service):
            return None
        return _(
            "Il piano di welfare aziendale non copre «%(title)s»: la sua categoria "
            "(%(category)s) non rientra nelle voci dell'art. 51 TUIR previste dal piano."
        ) % {"title": service.title, "category": service.get_art51_category_display().lower()}
    if version is not None and C3_GOODS not in rule_codes(version):
        return _(
            "Il piano di welfare aziendale non prevede acquisti nei negozi del circuito "
            "(fringe benefit, art. 51 c. 3 TUIR)."
        )
    return spending.CATEGORIES.check(wallet, provider, amount, day)


# The same SQL as the ledger's categories field: at the till (voucher-circuit shops) the gate
# checks the merchant category, which is what this field checks without a purchase object.
PLAN_CATEGORIES = spending.RuleField(
    "plan_categories", _plan_allows, ("w.allowed_categories ? mp.category",)
)
# The till's one-statement SQL path cannot count a purchase against the plan's limits and the
# fringe cap: the gate sends every plan wallet to the Python path, where the ledger's `on_pay`
# hook counts it in the payment's transaction (`services.fringe.on_pay`).
COUNTED_IN_PYTHON = spending.RuleField(
    "counted_in_python", lambda *args: None, ("w.source_kind <> 'company_plan'",)
)
COMPANY_PLAN = spending.SpendingPolicy(
    "company_plan", (*spending.VALIDITY, PLAN_CATEGORIES, COUNTED_IN_PYTHON)
)


def register() -> None:
    from benecomune.corporate.services import fringe

    spending.register_policy(WalletSource.COMPANY_PLAN, COMPANY_PLAN)
    spending.register_hold_hooks(
        WalletSource.COMPANY_PLAN,
        spending.HoldHooks(
            on_hold=fringe.on_hold,
            on_release=fringe.on_release,
            on_pay=fringe.on_pay,
            on_refund=fringe.on_refund,
        ),
    )
