"""`{% agenda_link organization service %}`: on a public service page, the link to its
available dates when the service has booking rules or an open series (one query each)."""

from django import template

from benecomune.bookings.models import Series, SeriesStatus, ServiceSchedule
from benecomune.bookings.services.agenda import local_now

register = template.Library()


@register.inclusion_tag("bookings/agenda_link.html")
def agenda_link(organization, service):
    bookable = (
        ServiceSchedule.objects_unscoped.filter(service=service).exists()
        or Series.objects_unscoped.filter(
            service=service, status=SeriesStatus.ACTIVE, first_day__gte=local_now().date()
        ).exists()
    )
    return {"organization": organization, "service": service, "bookable": bookable}
