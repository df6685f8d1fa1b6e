"""The provider moves a booking to another time (agreed with the person, e.g. on the phone):
its staff or its token (the bookings API), with a reason the person reads, before the booking
starts, to a free slot of the same service. No citizen's deadline applies (the provider
moves it) nor the minimum notice (as at the counter); the window, the past, a full slot and
the summer-time gap do (`choose_slot`). The seat moves as in the citizen's reschedule
(`booking_moves.move_to_slot`: one transaction, counters in key order)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.bookings.models import Booking
from benecomune.bookings.services import agenda_reads
from benecomune.bookings.services.booking_moves import _reason, lock, move_to_slot
from benecomune.bookings.services.booking_walk_in import walk_in_rules
from benecomune.bookings.services.provider_side import require_provider_side
from benecomune.core.actors import Actor


@transaction.atomic
def reschedule_by_provider(
    actor: Actor,
    booking: Booking,
    *,
    day: datetime.date,
    time: datetime.time,
    reason: str,
    now: datetime.datetime | None = None,
) -> Booking:
    reason = _reason(reason, _("Indichi il motivo dello spostamento: lo leggerà chi ha prenotato."))
    now = now or timezone.now()
    booking = lock(booking)
    require_provider_side(actor, booking.provider_id)
    if not booking.active or booking.schedule_id is None or booking.starts_at <= now:
        raise ValidationError(_("Questa prenotazione non si può spostare."))
    schedule = booking.schedule
    slot = agenda_reads.choose_slot(
        walk_in_rules(schedule), day, time, now=now, exclude_booking_id=booking.pk
    )
    if slot.start == booking.starts_at:
        raise ValidationError(_("È lo stesso orario della prenotazione: ne scelga un altro."))
    return move_to_slot(
        actor,
        booking,
        schedule,
        slot,
        reason=_("Spostata dal fornitore: %(r)s") % {"r": reason},
        now=now,
    )
