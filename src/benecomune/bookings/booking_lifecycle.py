"""The booking's lifecycle (core.lifecycle): who moves a booking from which status to which.

requested → confirmed (at once when the service needs no review: the booking is created
confirmed; by the provider's staff when it does; by the payment provider's notification when
the online part of its order is paid) → completed / no-show. Cancelled by the citizen (OWNER:
the service checks it is the booker, or the desk of their Comune for them), by the provider
with a reason, by the Comune (circuit.manage where the person served lives), or by the system
when the online payment of its order failed or expired. A requested booking may be declined by
the provider. Rescheduling is not a move: the same row gets a new time, with its own audit
event (`bookings.booking_rescheduled`).
"""

from django.utils.translation import gettext_lazy as _

from benecomune.bookings.models import Booking, BookingStatus
from benecomune.bookings.models.bookings import LatePolicy
from benecomune.core.audit import register_actions
from benecomune.core.audit_display import register_detail_names, register_value_labels
from benecomune.core.lifecycle import OWNER, Lifecycle
from benecomune.core.lifecycle import Transition as T

S = BookingStatus
# Staff, and the provider's own tokens (the bookings API: merchant.redeem, bound to it).
PROVIDER = ("provider.manage", "merchant.manage", "merchant.redeem")
SYSTEM = "merchant.redeem"  # the payment notification and the expiry task: system actors
COMUNE = "circuit.manage"
COMUNE_SCOPE = "person.residence_id"

BOOKING = Lifecycle(
    Booking,
    initial=(S.REQUESTED, S.CONFIRMED),
    terminal=(S.COMPLETED, S.NO_SHOW, S.DECLINED, S.CANCELLED),
    transitions=[
        T(S.REQUESTED, S.CONFIRMED, PROVIDER, "bookings.booking_confirmed"),
        T(S.REQUESTED, S.CONFIRMED, SYSTEM, "bookings.booking_paid"),
        T(S.REQUESTED, S.DECLINED, PROVIDER, "bookings.booking_declined"),
        T(S.REQUESTED, S.CANCELLED, OWNER, "bookings.booking_cancelled_by_citizen"),
        T(S.CONFIRMED, S.CANCELLED, OWNER, "bookings.booking_cancelled_by_citizen"),
        T(S.REQUESTED, S.CANCELLED, PROVIDER, "bookings.booking_cancelled_by_provider"),
        T(S.CONFIRMED, S.CANCELLED, PROVIDER, "bookings.booking_cancelled_by_provider"),
        T(S.REQUESTED, S.CANCELLED, COMUNE, "bookings.booking_cancelled_by_comune", COMUNE_SCOPE),
        T(S.CONFIRMED, S.CANCELLED, COMUNE, "bookings.booking_cancelled_by_comune", COMUNE_SCOPE),
        T(S.REQUESTED, S.CANCELLED, SYSTEM, "bookings.booking_payment_lapsed"),
        T(S.CONFIRMED, S.COMPLETED, PROVIDER, "bookings.booking_completed"),
        T(S.CONFIRMED, S.NO_SHOW, PROVIDER, "bookings.booking_no_show"),
    ],
)

# The waiting list's table lives next door (bookings/waitlist_lifecycle.py).
from benecomune.bookings.waitlist_lifecycle import WAITLIST  # noqa: E402

LIFECYCLES = {"bookings.Booking": BOOKING, "bookings.WaitlistEntry": WAITLIST}

register_actions(
    {
        "bookings.booking_made": _("Prenotazione effettuata"),
        "bookings.booking_confirmed": _("Prenotazione confermata dal fornitore"),
        "bookings.booking_paid": _("Prenotazione confermata: pagamento online ricevuto"),
        "bookings.booking_declined": _("Prenotazione rifiutata dal fornitore"),
        "bookings.booking_cancelled_by_citizen": _("Prenotazione annullata dal cittadino"),
        "bookings.booking_cancelled_by_provider": _("Prenotazione annullata dal fornitore"),
        "bookings.booking_cancelled_by_comune": _("Prenotazione annullata dal Comune"),
        "bookings.booking_payment_lapsed": _("Prenotazione annullata: pagamento non riuscito"),
        "bookings.booking_completed": _("Prenotazione svolta"),
        "bookings.booking_no_show": _("Prenotazione: il cittadino non si è presentato"),
        "bookings.booking_rescheduled": _("Prenotazione spostata a un altro orario"),
        "bookings.booking_reminder_sent": _("Promemoria della prenotazione inviato"),
    }
)

# Names of the keys of this app's audit details (the audit page, the history).
register_detail_names(
    {
        "policy": _("regola per l'annullamento tardivo"),
        "late": _("annullata tardi"),
        "sequence": _("versione nel calendario"),
        "walk_in": _("iscrizione sul posto"),
        "seat": _("posto"),
        "hold": _("posto tenuto"),
        "online": _("pagato online"),
        "at_provider": _("da pagare al fornitore"),
        "wallets": _("pagato con i buoni"),
    }
)
register_value_labels("policy", dict(LatePolicy.choices))
