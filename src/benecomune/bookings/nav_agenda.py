"""The agenda's navigation entry and audit labels (loaded by BookingsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role

register_nav(Role.PROVIDER_STAFF, _("Agenda: risorse e orari"), "bookings:agenda")

register_actions(
    {
        "bookings.resource_created": _("Risorsa dell'agenda creata"),
        "bookings.resource_updated": _("Risorsa dell'agenda modificata"),
        "bookings.hours_updated": _("Orari di lavoro di una risorsa cambiati"),
        "bookings.exception_added": _("Eccezione al calendario aggiunta"),
        "bookings.exception_removed": _("Eccezione al calendario tolta"),
        "bookings.blocked_added": _("Periodo bloccato aggiunto"),
        "bookings.blocked_removed": _("Periodo bloccato tolto"),
        "bookings.schedule_set": _("Regole di prenotazione di un servizio salvate"),
        "bookings.series_created": _("Serie di incontri creata"),
        "bookings.series_cancelled": _("Serie di incontri annullata"),
    }
)
