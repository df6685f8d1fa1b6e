"""The bookings' navigation entries (loaded by BookingsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role

register_nav("citizen", _("Le mie prenotazioni"), "bookings:my_bookings")
for role in (Role.PROVIDER_STAFF, Role.MERCHANT_STAFF):
    register_nav(role, _("Prenotazioni ricevute"), "bookings:provider_bookings")
    register_nav(role, _("Agenda del giorno"), "bookings:provider_agenda_day")
register_nav(Role.MUNICIPALITY_ADMIN, _("Prenotazioni dei residenti"), "bookings:comune_bookings")
