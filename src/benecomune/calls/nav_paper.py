"""Paper applications imported in bulk: audit labels, and the stored upload as a private file
(kind `paper-import`, addressed by the import's audit event), for the desk and the Comune's
administrator of the Comune that imported it."""

from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy

from benecomune.calls.services.paper_import import BATCH_ACTION, IMPORTED_ACTION
from benecomune.core.audit import register_actions
from benecomune.core.files import ServedFile, register_file_kind

register_actions(
    {
        IMPORTED_ACTION: gettext_lazy("Domanda importata da modulo cartaceo"),
        BATCH_ACTION: gettext_lazy("Importazione di domande cartacee"),
    }
)


def staff_paper_import(actor, pk: int) -> ServedFile | None:
    from benecomune.core.models import AuditEvent

    desk = actor.has_perm("desk.assist") and actor.has_perm("applications.instruct")
    if not (desk or actor.has_perm("calls.manage")):
        return None
    event = AuditEvent.objects_unscoped.filter(
        pk=pk, action=BATCH_ACTION, organization_id__in=actor.tenant_ids
    ).first()
    after = (event.after or {}) if event else {}
    if not after.get("stored"):
        return None
    try:
        with default_storage.open(after["stored"], "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        return None
    kind = after["stored"].rsplit(".", 1)[-1]
    content_type = {
        "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }.get(kind, "application/octet-stream")
    return ServedFile(
        filename=after.get("file") or f"domande.{kind}", content_type=content_type, content=content
    )


register_file_kind("paper-import", staff=staff_paper_import)
