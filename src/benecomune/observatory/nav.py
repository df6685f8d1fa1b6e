"""The observatory's navigation entries (loaded by ObservatoryConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role

register_nav(Role.MUNICIPALITY_ADMIN, _("Valore condiviso"), "observatory:sv_manage")
register_nav(Role.MERCHANT_STAFF, _("Valore condiviso"), "observatory:sv_merchant")
