"""Start the rendicontazione and archive jobs (checked and audited here; written by jobs)."""

from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.calls.models import Call, CallStatus
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Job, Organization
from benecomune.core.services.jobs import start_job
from benecomune.ledger.models import Fund
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.services.actors import job_params

FORMATS = ("pdf", "xlsx")
ARCHIVABLE = (CallStatus.CLOSED, CallStatus.RANKED, CallStatus.AWARDED, CallStatus.CLOSED_OUT)


@transaction.atomic
def start_report(actor: Actor, *, kind: str, obj=None, fmt: str) -> Job:
    """kind: "fund" (obj a Fund), "call" (obj a Call) or "overview" (the actor's organisations)."""
    if fmt not in FORMATS:
        raise PayoutError(_("Formato non disponibile: PDF o XLSX."))
    if kind == "fund" and isinstance(obj, Fund):
        organization_id, title = (
            obj.organization_id,
            _("Rendiconto del fondo %(n)s") % {"n": obj.name},
        )
        params = {"kind": kind, "id": obj.pk}
    elif kind == "call" and isinstance(obj, Call):
        organization_id, title = (
            obj.organization_id,
            _("Rendiconto del bando %(n)s") % {"n": obj.title},
        )
        params = {"kind": kind, "id": obj.pk}
    elif kind == "overview":
        organization_id, title = actor.organization.pk, _("Rendiconto dei fondi")
        params = {"kind": kind, "organization_ids": list(actor.tenant_ids)}
    else:
        raise PayoutError(_("Rendiconto sconosciuto."))
    actor.require("funds.view", organization_id)
    params["format"] = fmt
    audit.record(
        actor,
        "payouts.report_exported",
        obj,
        organization=Organization(pk=organization_id),
        after={"kind": kind, "format": fmt},
    )
    return start_job(
        actor,
        Organization.objects.get(pk=organization_id),
        "payouts.report",
        f"{title} ({fmt.upper()})",
        job_params(actor, **params),
    )


@transaction.atomic
def start_archive(actor: Actor, call: Call) -> Job:
    actor.require("calls.manage", call.organization_id)
    if call.status not in ARCHIVABLE:
        raise PayoutError(
            _("Si archivia un bando chiuso alle domande: questo è «%(status)s».")
            % {"status": call.get_status_display()}
        )
    audit.record(actor, "payouts.archive_exported", call, organization=call.organization)
    return start_job(
        actor,
        call.organization,
        "payouts.call_archive",
        _("Archivio del bando %(title)s") % {"title": call.title},
        job_params(actor, call_id=call.pk),
    )
