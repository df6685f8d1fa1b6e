"""A completed booking of a free service is a purchase its booker may review (registered in
the marketplace's registry as "bookings.booking"). A priced booking is reviewed through its
order's payment intent ("payments.intent"): one purchase, one review."""

from benecomune.bookings.models import Booking, BookingStatus
from benecomune.marketplace.purchases import Purchase, register_purchase_source

BOOKING_SOURCE = "bookings.booking"


def _purchase(booking: Booking) -> Purchase:
    return Purchase(
        kind=BOOKING_SOURCE,
        source_id=str(booking.pk),
        service=booking.service,
        buyer_id=booking.booker_id,
        completed=booking.status == BookingStatus.COMPLETED,
        when=booking.closed_at or booking.starts_at,
        label=booking.title if booking.series_id else "",
    )


def resolve_booking(source_id: str) -> Purchase | None:
    if not source_id.isdigit():
        return None
    booking = (
        Booking.objects_unscoped.filter(pk=int(source_id), order__isnull=True)
        .select_related("service")
        .first()
    )
    return _purchase(booking) if booking else None


def bookings_of_person(person_id: int) -> list[Purchase]:
    rows = Booking.objects_unscoped.filter(
        booker_id=person_id, order__isnull=True, status=BookingStatus.COMPLETED
    ).select_related("service")
    return [_purchase(b) for b in rows.order_by("-closed_at", "-pk")]


register_purchase_source(BOOKING_SOURCE, resolve_booking, bookings_of_person)
