"""The .ics file that goes with an e-mail of the outbox (core/calendar_files.py): kept with the
message, so the e-mail sent (or sent again after a failure) carries exactly the file written
when the message was. Never edited.

Abstract: each app keeps its own table with a foreign key to what the event is about (a
booking, an appointment at a Welfare Point); the columns and the way the file is attached are
the same for all of them."""

from django.db import models

__all__ = ["AbstractCalendarAttachment"]


class AbstractCalendarAttachment(models.Model):
    message = models.OneToOneField(
        "core.OutboxMessage", on_delete=models.CASCADE, related_name="+", editable=False
    )
    method = models.CharField(max_length=10)  # REQUEST or CANCEL
    sequence = models.PositiveIntegerField()
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.message_id} {self.method} {self.sequence}"
