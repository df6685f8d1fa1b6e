"""Case attachments through core's checked file view: only an operator of the case's Point
(staff, /gestione/); nobody else, and never from MEDIA_ROOT."""

from benecomune.core.files import ServedFile, register_file_kind
from benecomune.desk.access import visible_cases
from benecomune.desk.models import CaseAttachment

ATTACHMENT = "desk-case-attachment"


def staff_attachment(actor, pk: int) -> ServedFile | None:
    attachment = CaseAttachment.objects_unscoped.filter(
        pk=pk, case__in=visible_cases(actor).values("pk")
    ).first()
    if attachment is None:
        return None
    return ServedFile(
        filename=attachment.original_name,
        content_type=attachment.content_type,
        field=attachment.file,
        inline=True,
    )


def register() -> None:
    register_file_kind(ATTACHMENT, staff=staff_attachment)
