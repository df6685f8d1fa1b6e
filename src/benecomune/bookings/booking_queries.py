"""Reads of the bookings' pages that cross tenants on purpose, after the caller decided who
may see the rows: a citizen's own bookings (made by them, for themselves or a member of their
household) of providers of any network; a booking's history for a booking already reached; a
service's series for its booking page (the service is public); the Comune's upcoming bookings
of its residents (filtered on the residence of the person served: the Comune's own tenant)."""

from django.db.models import Q
from django.utils import timezone

from benecomune.bookings.models import Booking, Series
from benecomune.bookings.models.bookings import ACTIVE_STATUSES
from benecomune.core.audit import action_label
from benecomune.core.models import AuditEvent


def bookings_of_person(person_id: int):
    return Booking.objects_unscoped.filter(Q(booker_id=person_id)).select_related(
        "provider", "person", "order"
    )


def booking_of_person(person_id: int, pk) -> Booking | None:
    return bookings_of_person(person_id).filter(pk=pk).first()


def upcoming_and_past(person_id: int, now=None):
    now = now or timezone.now()
    rows = bookings_of_person(person_id)
    upcoming = rows.filter(status__in=ACTIVE_STATUSES, ends_at__gte=now).order_by("starts_at", "pk")
    past = rows.exclude(pk__in=upcoming.values("pk")).order_by("-starts_at", "-pk")
    return upcoming, past


def history_of(booking: Booking) -> list[tuple]:
    events = AuditEvent.objects_unscoped.filter(
        object_type="bookings.booking", object_id=str(booking.pk)
    ).order_by("created_at", "pk")
    return [(e.created_at, action_label(e.action), e.reason) for e in events]


def series_of_service(service, pk: int) -> Series | None:
    return Series.objects_unscoped.filter(pk=pk, service=service).first()


def residents_upcoming(municipality_id: int):
    return (
        Booking.objects_unscoped.filter(
            person__residence_id=municipality_id,
            status__in=ACTIVE_STATUSES,
            ends_at__gte=timezone.now(),
        )
        .select_related("person", "provider")
        .order_by("starts_at", "pk")
    )
