"""The waiting list's lifecycle (core.lifecycle): waiting → offered (the platform, when a place
frees) → accepted (a booking) / declined / lapsed (the offer's time ran out); left by the
person (OWNER: the service checks it is the booker, or the desk of their Comune for them) while
waiting or offered; closed by the platform when the slot starts with the entry still waiting.
"""

from django.utils.translation import gettext_lazy as _

from benecomune.bookings.models import WaitlistEntry, WaitlistStatus
from benecomune.core.audit import register_actions
from benecomune.core.lifecycle import OWNER, Lifecycle
from benecomune.core.lifecycle import Transition as T

W = WaitlistStatus
SYSTEM = "merchant.redeem"  # the hand-over and the expiry task: system actors

WAITLIST = Lifecycle(
    WaitlistEntry,
    initial=W.WAITING,
    terminal=(W.ACCEPTED, W.DECLINED, W.LAPSED, W.LEFT, W.CLOSED),
    transitions=[
        T(W.WAITING, W.OFFERED, SYSTEM, "bookings.waitlist_offered"),
        T(W.OFFERED, W.ACCEPTED, OWNER, "bookings.waitlist_accepted"),
        T(W.OFFERED, W.DECLINED, OWNER, "bookings.waitlist_declined"),
        T(W.OFFERED, W.LAPSED, SYSTEM, "bookings.waitlist_offer_lapsed"),
        T(W.WAITING, W.LEFT, OWNER, "bookings.waitlist_left"),
        T(W.OFFERED, W.LEFT, OWNER, "bookings.waitlist_left"),
        T(W.WAITING, W.CLOSED, SYSTEM, "bookings.waitlist_closed"),
    ],
)

register_actions(
    {
        "bookings.waitlist_joined": _("Iscrizione alla lista d'attesa"),
        "bookings.waitlist_offered": _("Lista d'attesa: posto offerto e tenuto"),
        "bookings.waitlist_accepted": _("Lista d'attesa: posto accettato"),
        "bookings.waitlist_declined": _("Lista d'attesa: posto rifiutato"),
        "bookings.waitlist_offer_lapsed": _("Lista d'attesa: offerta scaduta"),
        "bookings.waitlist_left": _("Uscita dalla lista d'attesa"),
        "bookings.waitlist_closed": _("Lista d'attesa chiusa: il turno è passato"),
    }
)
