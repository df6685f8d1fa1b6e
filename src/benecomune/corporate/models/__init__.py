"""Corporate welfare: companies' profiles, employees and their declarations, welfare plans."""

from .companies import CCNL_CHOICES, CompanyProfile
from .declarations import DependentChild, OtherFringeBenefit
from .employees import Employee, EmployeeCategory
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
    "CompanyProfile",
    "Delivery",
    "DependentChild",
    "Employee",
    "EmployeeCategory",
    "FringeCap",
    "FringeUsage",
    "LegalBasis",
    "OtherFringeBenefit",
    "PayrollRequest",
    "PayrollRequestStatus",
    "PlanCategoryRule",
    "PlanClaimDetail",
    "PlanGroup",
    "PlanOrigin",
    "PlanSpend",
    "PlanStatus",
    "PlanVersion",
    "ProRata",
    "UnspentRule",
    "WelfarePlan",
]
