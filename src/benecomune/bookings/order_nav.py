"""The orders' navigation entries (loaded by BookingsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role

register_nav("citizen", _("I miei ordini"), "bookings:my_orders")
for role in (Role.PROVIDER_STAFF, Role.MERCHANT_STAFF):
    register_nav(role, _("Ordini ricevuti"), "bookings:provider_orders")
