"""Bulk decisions: each application decided on its own, in its own savepoint (per-item
results: the refused ones are listed with their reason, the others are decided). More than
BULK_INLINE_LIMIT applications run as a background job (calls/jobs_review.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import Application
from benecomune.calls.services.review.common import BULK_INLINE_LIMIT, TEXT_MAX
from benecomune.calls.services.review.decisions import decide
from benecomune.core import audit
from benecomune.core.actors import Actor


def _clean_ids(application_ids) -> list[int]:
    """Positive integer ids, once each, in the order given."""
    ids, seen = [], set()
    for value in application_ids or []:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            continue
        if pk > 0 and pk not in seen:
            seen.add(pk)
            ids.append(pk)
    return ids


def _check_bulk_request(actor: Actor, ids: list[int], approve: bool, reason: str) -> str:
    actor.require("applications.decide")
    if not ids:
        raise CallError(_("Selezioni almeno una domanda."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise CallError(_("Per respingere le domande indichi il motivo."))
    if len(reason) > TEXT_MAX:
        raise CallError(_("La motivazione supera %(max)s caratteri.") % {"max": TEXT_MAX})
    return reason


@transaction.atomic
def bulk_decide(actor: Actor, application_ids, approve: bool, reason: str) -> dict:
    """Decide many applications, each on its own (see the module docstring). Returns
    {"decided": n, "refused": [{"id", "protocol", "message"}]}."""
    ids = _clean_ids(application_ids)
    reason = _check_bulk_request(actor, ids, approve, reason)
    found = Application.objects_unscoped.filter(pk__in=ids)
    if not actor.system:
        found = found.filter(organization_id__in=actor.tenant_ids)
    by_id = {a.pk: a for a in found}
    decided, refused = 0, []
    for pk in ids:
        application = by_id.get(pk)
        if application is None:
            refused.append({"id": pk, "protocol": "", "message": _("Domanda non trovata.")})
            continue
        try:
            if approve and application.eligible is not True:
                raise CallError(
                    _(
                        "Non ha i requisiti secondo le regole: l'ammissione in deroga si decide "
                        "una domanda alla volta, con la sua motivazione."
                    )
                )
            decide(actor, application, approve, reason)  # atomic: its own savepoint
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            refused.append({"id": pk, "protocol": application.protocol or "", "message": message})
        else:
            decided += 1
    audit.record(
        actor,
        "calls.bulk_decided",
        None,
        organization=actor.organization,
        after={"approve": approve, "decided": decided, "refused": len(refused)},
        reason=reason,
    )
    return {"decided": decided, "refused": refused}


def start_bulk_decision(actor: Actor, application_ids, approve: bool, reason: str):
    """Decide now (up to BULK_INLINE_LIMIT applications) or in a background job.
    Returns (result, None) or (None, job)."""
    ids = _clean_ids(application_ids)
    if len(ids) <= BULK_INLINE_LIMIT:
        return bulk_decide(actor, ids, approve, reason), None
    reason = _check_bulk_request(actor, ids, approve, reason)
    if actor.membership is None:
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
    from benecomune.core.services.jobs import start_job

    title = (_("Ammissione di %(n)s domande") if approve else _("Esclusione di %(n)s domande")) % {
        "n": len(ids)
    }
    job = start_job(
        actor,
        actor.organization,
        "calls.bulk_decide",
        title,
        {
            "membership_id": actor.membership.pk,
            "ip": actor.ip_address,
            "ids": ids,
            "approve": bool(approve),
            "reason": reason,
        },
    )
    return None, job
