"""Case attachments through core's checked file view: only an operator of the case's Point
(staff, /gestione/); nobody else, and never from MEDIA_ROOT. An appointment's calendar file
(.ics, "Aggiungi al calendario"): to its person (/area-personale/) and to the operators of its
Point (/gestione/); another person, another Point or another tenant get 404."""

from benecomune.core.files import ServedFile, register_file_kind
from benecomune.desk.access import in_team, my_points, own_cases, visible_cases
from benecomune.desk.models import Appointment, CaseAttachment, DelegationDocument, Orientation
from benecomune.desk.services import appointment_calendar

ATTACHMENT = "desk-case-attachment"
ID_DOCUMENT = "desk-delegation-document"
ORIENTATION = "desk-orientation"
APPOINTMENT_CALENDAR = "desk-appointment-calendar"


def staff_attachment(actor, pk: int) -> ServedFile | None:
    attachment = CaseAttachment.objects_unscoped.filter(
        pk=pk, case__in=own_cases(actor).values("pk")
    ).first()
    if attachment is None:
        return None
    return ServedFile(
        filename=attachment.original_name,
        content_type=attachment.content_type,
        field=attachment.file,
        inline=True,
    )


def staff_id_document(actor, pk: int) -> ServedFile | None:
    """The scanned identity document of a paper delegation: to an operator of its Point."""
    document = DelegationDocument.objects_unscoped.filter(
        pk=pk, delegation__point__in=my_points(actor).values("pk")
    ).first()
    if document is None:
        return None
    return ServedFile(
        filename=document.original_name,
        content_type=document.content_type,
        field=document.file,
        inline=True,
    )


def staff_orientation(actor, pk: int) -> ServedFile | None:
    """The orientation PDF for the case's team (its operator, the Point's coordinators)."""
    from benecomune.desk.orientation_pdf import orientation_pdf

    orientation = (
        Orientation.objects_unscoped.filter(pk=pk, case__in=visible_cases(actor).values("pk"))
        .select_related("case__point", "case__person")
        .first()
    )
    if orientation is None or not in_team(actor, orientation.case):
        return None
    return orientation_pdf(orientation)


def citizen_orientation(actor, pk: int) -> ServedFile | None:
    """The person's own orientation PDF."""
    from benecomune.desk.orientation_pdf import orientation_pdf

    orientation = (
        Orientation.objects_unscoped.filter(pk=pk, person_id=actor.user.person_id)
        .select_related("case__point", "case__person")
        .first()
    )
    return orientation_pdf(orientation) if orientation is not None else None


def _calendar_file(appointments, pk: int) -> ServedFile | None:
    appointment = (
        appointments.filter(pk=pk).select_related("point", "point__municipality", "person").first()
    )
    return appointment_calendar.served(appointment) if appointment is not None else None


def staff_appointment_calendar(actor, pk: int) -> ServedFile | None:
    """An appointment at one of the actor's Points."""
    points = my_points(actor).values("pk")
    return _calendar_file(Appointment.objects_unscoped.filter(point__in=points), pk)


def citizen_appointment_calendar(actor, pk: int) -> ServedFile | None:
    """The person's own appointment (CANCEL once cancelled: it takes it off their calendar)."""
    mine = Appointment.objects_unscoped.filter(person_id=actor.user.person_id)
    return _calendar_file(mine, pk)


def register() -> None:
    register_file_kind(ATTACHMENT, staff=staff_attachment)
    register_file_kind(ID_DOCUMENT, staff=staff_id_document)
    register_file_kind(ORIENTATION, staff=staff_orientation, citizen=citizen_orientation)
    register_file_kind(
        APPOINTMENT_CALENDAR,
        staff=staff_appointment_calendar,
        citizen=citizen_appointment_calendar,
    )
