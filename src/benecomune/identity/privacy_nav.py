"""Navigation of the personal-data pages: the access log for the data protection contact
(loaded by IdentityConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role

register_nav(Role.DATA_PROTECTION, _("Accessi ai dati personali"), "identity:access_log")
