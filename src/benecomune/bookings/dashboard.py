"""The bookings' figures on the provider's dashboard (marketplace.dashboard_sections): bookings
waiting for confirmation, confirmed bookings of the next seven days, orders to deliver. Three
counts, each filtered on the provider."""

import datetime

from django.utils import timezone

from benecomune.bookings.models import Booking, BookingStatus, Order, OrderStatus
from benecomune.marketplace.dashboard_sections import register_dashboard_section

WEEK = datetime.timedelta(days=7)


def bookings_section(provider, today) -> dict:
    bookings = Booking.objects_unscoped.filter(provider_id=provider.pk)
    now = timezone.now()
    return {
        "template": "bookings/_dashboard_section.html",
        "to_confirm": bookings.filter(status=BookingStatus.REQUESTED).count(),
        "this_week": bookings.filter(
            status=BookingStatus.CONFIRMED, starts_at__gte=now, starts_at__lt=now + WEEK
        ).count(),
        "to_deliver": Order.objects_unscoped.filter(
            provider_id=provider.pk, status=OrderStatus.CONFIRMED, booking__isnull=True
        ).count(),
    }


register_dashboard_section(bookings_section)
