"""Reminders of confirmed bookings: each booking gets one (in-app + e-mail with its calendar
file) `reminder_hours` before its start (the service's rule, 24 by default, 0 for none). The
beat task `bookings.send_reminders` runs `send_due`; one transaction per booking, the row
locked and `reminder_sent_at` set with the audit event, so a booking is reminded at most once
however often and wherever the job runs (a move clears the mark: the new time is reminded).
A booking already cancelled, declined or done gets none."""

import datetime

from django.db import transaction
from django.utils import timezone

from benecomune.bookings.models import Booking, BookingStatus, ServiceSchedule
from benecomune.bookings.services import booking_notices
from benecomune.core import audit
from benecomune.core.actors import Actor

# The longest reminder a service may ask for (agenda_schedule.LIMITS): the job's look-ahead.
LOOK_AHEAD = datetime.timedelta(days=7)


def _candidates(now, booker_id=None):
    rows = Booking.objects_unscoped.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + LOOK_AHEAD,
    )
    if booker_id is not None:
        rows = rows.filter(booker_id=booker_id)
    return rows.values_list("pk", "service_id", "starts_at")


def due(now=None, booker_id=None, limit=1000) -> list[int]:
    """Ids of the confirmed bookings whose reminder is due and not sent."""
    now = now or timezone.now()
    rows = list(_candidates(now, booker_id)[: limit * 5])
    hours = dict(
        ServiceSchedule.objects_unscoped.filter(
            service_id__in={service_id for _pk, service_id, _start in rows}
        ).values_list("service_id", "reminder_hours")
    )
    ids = []
    for pk, service_id, starts_at in rows:
        before = hours.get(service_id, 24)
        if before and starts_at - datetime.timedelta(hours=before) <= now:
            ids.append(pk)
    return ids[:limit]


def send_due(now=None, booker_id=None) -> int:
    """Send every due reminder; returns how many were sent."""
    now = now or timezone.now()
    return sum(send_one(pk, now=now) for pk in due(now, booker_id))


@transaction.atomic
def send_one(pk: int, *, now=None) -> int:
    now = now or timezone.now()
    booking = (
        Booking.objects_unscoped.select_for_update(of=("self",))
        .select_related("booker", "provider")
        .filter(pk=pk)
        .first()
    )
    if (
        booking is None
        or booking.status != BookingStatus.CONFIRMED
        or booking.reminder_sent_at is not None
        or booking.starts_at <= now
    ):
        return 0  # cancelled, moved or reminded meanwhile
    booking.reminder_sent_at = now
    booking.save(update_fields=["reminder_sent_at", "updated_at"])
    audit.record(
        Actor.system_actor("bookings.reminders"),
        "bookings.booking_reminder_sent",
        booking,
        organization=booking.organization_id,
        person=booking.person_id,
        after={"starts_at": booking.starts_at.isoformat(), "sequence": booking.calendar_sequence},
    )
    booking_notices.reminder(booking)
    return 1
