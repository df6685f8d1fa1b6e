"""The .ics file attached to an e-mail about a booking (confirmation, change, reminder): kept
with the outbox message it goes with, so the e-mail sent (or re-sent after a failure) carries
exactly the file written when the message was. Never edited."""

from django.db import models

__all__ = ["CalendarAttachment"]


class CalendarAttachment(models.Model):
    message = models.OneToOneField(
        "core.OutboxMessage", on_delete=models.CASCADE, related_name="+", editable=False
    )
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.PROTECT, related_name="+", editable=False
    )
    method = models.CharField(max_length=10)  # REQUEST or CANCEL
    sequence = models.PositiveIntegerField()
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "calendar attachment"

    def __str__(self) -> str:
        return f"{self.booking_id} {self.method} {self.sequence}"
