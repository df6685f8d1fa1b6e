"""Case attachments through core's checked file view: only an operator of the case's Point
(staff, /gestione/); nobody else, and never from MEDIA_ROOT."""

from benecomune.core.files import ServedFile, register_file_kind
from benecomune.desk.access import my_points, own_cases
from benecomune.desk.models import CaseAttachment, DelegationDocument

ATTACHMENT = "desk-case-attachment"
ID_DOCUMENT = "desk-delegation-document"


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


def register() -> None:
    register_file_kind(ATTACHMENT, staff=staff_attachment)
    register_file_kind(ID_DOCUMENT, staff=staff_id_document)
