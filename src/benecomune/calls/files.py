"""Who may see the documents uploaded with an application (served by core/files.py)."""

from benecomune.calls.models import Application, ApplicationDocument
from benecomune.core.files import ServedFile, register_file_kind


def document_file(document: ApplicationDocument) -> ServedFile:
    # Always an attachment: the bytes come from a citizen, the browser must not render them
    # in the platform's origin.
    return ServedFile(
        filename=document.original_name,
        content_type=document.content_type or "application/octet-stream",
        field=document.file,
    )


def staff_document(actor, pk: int) -> ServedFile | None:
    """The Comune's staff who may view applications, within their tenant scope (the scoped
    manager: another Comune's application is simply not there)."""
    if not actor.has_perm("applications.view"):
        return None
    document = ApplicationDocument.objects.filter(
        pk=pk, application__in=Application.objects.values("pk")
    ).first()
    return document_file(document) if document else None


def citizen_document(actor, pk: int) -> ServedFile | None:
    """The applicant, for their own applications only."""
    document = ApplicationDocument.objects.filter(
        pk=pk, application__applicant_id=actor.user.person_id
    ).first()
    return document_file(document) if document else None


register_file_kind("application-document", staff=staff_document, citizen=citizen_document)
