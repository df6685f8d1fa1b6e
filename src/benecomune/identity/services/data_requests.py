"""Use cases of the rectification and erasure requests: the person submits one from their
area; their Comune's staff with `privacy.manage` take it, and close it as done or refused
(with a reason). Each move follows the lifecycle table and is audited; the person is told."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization, Person
from benecomune.core.notifications import notify
from benecomune.identity.data_requests_lifecycle import DATA_REQUEST
from benecomune.identity.models import DataRequest, DataRequestKind, DataRequestStatus
from benecomune.identity.services.my_data import require_citizen

TEXT_MIN, TEXT_MAX = 10, 4000


def requests_of(person_id: int):
    """The person's own requests, in whichever Comune (their area)."""
    return DataRequest.objects_unscoped.filter(person_id=person_id)


def _context(request: DataRequest) -> dict:
    return {
        "number": request.pk,
        "kind": request.get_kind_display(),
        "deadline": date_format(request.deadline, "d/m/Y"),
        "status": request.get_status_display(),
        "outcome": request.outcome,
    }


@transaction.atomic
def submit_request(actor: Actor, *, kind: str, text: str) -> DataRequest:
    person_id = require_citizen(actor)
    text = (text or "").strip()
    errors = {}
    if kind not in DataRequestKind.values:
        errors["kind"] = _("Scelga se chiede una rettifica o una cancellazione.")
    if len(text) < TEXT_MIN:
        errors["text"] = _("Descriva che cosa chiede (almeno %(n)s caratteri).") % {"n": TEXT_MIN}
    elif len(text) > TEXT_MAX:
        errors["text"] = _("Il testo è troppo lungo (al massimo %(n)s caratteri).") % {
            "n": TEXT_MAX
        }
    if errors:
        raise ValidationError(errors)
    person = Person.objects_unscoped.get(pk=person_id)
    request = DataRequest.objects_unscoped.create(
        organization_id=person.residence_id,
        person=person,
        kind=kind,
        text=text,
        deadline=DataRequest.deadline_from(timezone.localdate()),
    )
    audit.record(
        actor,
        "identity.request_received",
        request,
        organization=person.residence_id,
        person=person,
        after={"kind": kind, "status": request.status},
    )
    comune = Organization.objects.get(pk=person.residence_id)
    notify(person, "identity_request_received", _context(request), organization=comune)
    if comune.email:
        notify(
            comune.email,
            "identity_request_to_comune",
            _context(request),
            organization=comune,
        )
    return request


def _locked(request: DataRequest) -> DataRequest:
    # Scoped: a request of another Comune is not found.
    return DataRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def take_request(actor: Actor, request: DataRequest) -> DataRequest:
    request = _locked(request)
    request.handled_by = actor.user
    DATA_REQUEST.apply(
        actor,
        request,
        DataRequestStatus.IN_PROGRESS,
        extra_fields=["handled_by"],
        person=request.person_id,
    )
    return request


@transaction.atomic
def close_request(actor: Actor, request: DataRequest, *, done: bool, outcome: str) -> DataRequest:
    """Close as done (saying what was changed or erased) or refused (with the reason, which
    the person receives): either way the text is required."""
    request = _locked(request)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError(
            {
                "outcome": _("Scriva che cosa è stato fatto.")
                if done
                else _("Scriva il motivo per cui la richiesta è respinta.")
            }
        )
    target = DataRequestStatus.DONE if done else DataRequestStatus.REFUSED
    request.outcome = outcome[:TEXT_MAX]
    request.closed_at = timezone.now()
    if request.handled_by_id is None:
        request.handled_by = actor.user
    DATA_REQUEST.apply(
        actor,
        request,
        target,
        extra_fields=["outcome", "closed_at", "handled_by"],
        reason=request.outcome if not done else "",
        after={"outcome": request.outcome},
        person=request.person_id,
    )
    notify(
        Person.objects_unscoped.get(pk=request.person_id),
        "identity_request_closed",
        _context(request),
        organization=Organization.objects.get(pk=request.organization_id),
    )
    return request
