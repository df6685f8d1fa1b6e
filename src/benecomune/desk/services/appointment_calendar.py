"""Calendar files (.ics) of an appointment at a Welfare Point, written by core's
`calendar_files`: attached to the person's e-mails (confirmation and reminder: REQUEST;
cancellation: CANCEL) and served by "Aggiungi al calendario" (desk/files.py).

One event per appointment with a stable UID (`appuntamento-punto-<id>@benecomune`); SEQUENCE
is the appointment's `calendar_sequence`, bumped when it is cancelled so calendar programs
drop the event they hold. Times are UTC instants (see core/calendar_files.py).
"""

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.core import calendar_files
from benecomune.core.calendar_files import CANCEL, REQUEST, CalendarEvent
from benecomune.core.models.notifications import OutboxMessage
from benecomune.desk.models import Appointment, AppointmentCalendarAttachment, AppointmentStatus

KEY_PREFIX = "desk_appointment"  # the template keys of the appointments' e-mails


def uid_of(appointment: Appointment) -> str:
    return f"appuntamento-punto-{appointment.pk}@benecomune"


def filename_of(appointment: Appointment | int) -> str:
    pk = appointment if isinstance(appointment, int) else appointment.pk
    return f"appuntamento-punto-welfare-{pk}.ics"


def method_for(appointment: Appointment) -> str:
    return CANCEL if appointment.status == AppointmentStatus.CANCELLED else REQUEST


def event_of(appointment: Appointment) -> CalendarEvent:
    point = appointment.point
    parts = [_("Appuntamento al Punto Welfare «%(point)s».") % {"point": point.name}]
    if appointment.topic:
        parts.append(_("Argomento: %(topic)s.") % {"topic": appointment.topic})
    if point.phone:
        parts.append(_("Telefono del Punto: %(phone)s.") % {"phone": point.phone})
    parts.append(
        _("Per annullarlo: «I miei appuntamenti», %(link)s")
        % {"link": reverse("desk:my_appointments")}
    )
    return CalendarEvent(
        uid=uid_of(appointment),
        sequence=appointment.calendar_sequence,
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=_("Appuntamento al %(point)s") % {"point": point.name},
        location=f"{point.name}, {point.address}, {point.municipality.name}",
        description=" ".join(parts),
        organizer_name=point.name,
        attendee_email=appointment.person.email,
        attendee_name=appointment.person.full_name,
    )


def ics(appointment: Appointment, method: str | None = None) -> str:
    """The calendar file of `appointment` as it is now (REQUEST, or CANCEL once cancelled)."""
    return calendar_files.ics(event_of(appointment), method or method_for(appointment))


def attach(message: OutboxMessage | None, appointment: Appointment) -> None:
    """The appointment's .ics goes with `message` (an e-mail of the outbox, not sent yet)."""
    calendar_files.attach(
        AppointmentCalendarAttachment,
        message,
        event_of(appointment),
        method_for(appointment),
        appointment=appointment,
    )


def changed(appointment: Appointment) -> None:
    """A cancellation: the next file replaces the event (SEQUENCE + 1). Runs in the caller's
    transaction, the appointment's row locked."""
    Appointment.objects_unscoped.filter(pk=appointment.pk).update(
        calendar_sequence=F("calendar_sequence") + 1
    )
    appointment.calendar_sequence += 1


def served(appointment: Appointment):
    """The file for "Aggiungi al calendario" (core/files.py's ServedFile)."""
    return calendar_files.served(filename_of(appointment), ics(appointment))


calendar_files.register_attachments(
    AppointmentCalendarAttachment,
    key_prefix=KEY_PREFIX,
    filename=lambda row: filename_of(row.appointment_id),
)
