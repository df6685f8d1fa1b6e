"""The .ics file attached to an e-mail about a booking (confirmation, change, reminder): kept
with the outbox message it goes with (core's `AbstractCalendarAttachment`). Never edited."""

from django.db import models

from benecomune.core.models.calendar import AbstractCalendarAttachment

__all__ = ["CalendarAttachment"]


class CalendarAttachment(AbstractCalendarAttachment):
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = "calendar attachment"

    def __str__(self) -> str:
        return f"{self.booking_id} {self.method} {self.sequence}"
