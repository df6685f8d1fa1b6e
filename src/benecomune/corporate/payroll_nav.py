"""Navigation, audit labels and API routes of the payroll export (loaded by
CorporateConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.corporate import payroll_api  # noqa: F401  (adds the API routes)

for role in (Role.COMPANY_HR, Role.COMPANY_HR_OPERATOR, Role.COMPANY_AUDITOR):
    register_nav(role, _("Esportazione per le paghe"), "corporate:payroll_export")
# The HR admin creates the payroll software's API token.
register_nav(Role.COMPANY_HR, _("Integrazioni (API)"), "core:tokens")

register_actions(
    {
        "corporate.payroll_exported": _("Esportazione per le paghe scaricata"),
        "corporate.payroll_codes_set": _("Voci del cedolino cambiate"),
    }
)
