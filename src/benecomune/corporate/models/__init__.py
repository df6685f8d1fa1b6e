"""Corporate welfare: companies' profiles, employees and their declarations, welfare plans."""

from .bonus import BonusConversion, BonusRule, ProductivityBonus
from .companies import CCNL_CHOICES, CompanyProfile
from .declarations import DependentChild, OtherFringeBenefit
from .employees import Employee, EmployeeCategory
from .funding import (
    AllocationKind,
    AllocationRun,
    CreditAllocation,
    FundingKind,
    FundingPayment,
    FundingRequest,
    FundingStatus,
    PlanFund,
    RunStatus,
)
from .payroll import PayrollItemCode
from .plans import (
    Delivery,
    LegalBasis,
    PlanCategoryRule,
    PlanGroup,
    PlanOrigin,
    PlanStatus,
    PlanVersion,
    ProRata,
    UnspentRule,
    WelfarePlan,
)
from .spending import (
    FringeCap,
    FringeUsage,
    PayrollRequest,
    PayrollRequestStatus,
    PlanClaimDetail,
    PlanSpend,
)

__all__ = [
    "CCNL_CHOICES",
    "AllocationKind",
    "AllocationRun",
    "BonusConversion",
    "BonusRule",
    "CompanyProfile",
    "CreditAllocation",
    "Delivery",
    "DependentChild",
    "Employee",
    "EmployeeCategory",
    "FringeCap",
    "FringeUsage",
    "FundingKind",
    "FundingPayment",
    "FundingRequest",
    "FundingStatus",
    "LegalBasis",
    "OtherFringeBenefit",
    "PayrollItemCode",
    "PayrollRequest",
    "PayrollRequestStatus",
    "PlanCategoryRule",
    "PlanClaimDetail",
    "PlanFund",
    "PlanGroup",
    "PlanOrigin",
    "PlanSpend",
    "PlanStatus",
    "PlanVersion",
    "ProRata",
    "ProductivityBonus",
    "RunStatus",
    "UnspentRule",
    "WelfarePlan",
]
