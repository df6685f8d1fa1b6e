"""Delegations to act for a citizen (modelled on the national delegation system): given by
the citizen in their area (channel `digital`) or on paper at the desk with an identity
document whose scanned copy is kept (channel `desk`); revoked by the citizen in their area or
at the desk. `delegation_source` answers core.on_behalf.authorize: a delegation covers an
operator's action for the citizen when it names them (or their Point), is valid today, not
revoked, and lists the action's scope."""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.models import Person, User
from benecomune.core.uploads import check_upload
from benecomune.desk.access import my_points
from benecomune.desk.models import (
    Delegation,
    DelegationChannel,
    DelegationDocument,
    DelegationScope,
    IdDocumentType,
    WelfarePoint,
)
from benecomune.desk.services.refusals import audited_refusal

MAX_YEARS = 3
SCAN_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class DelegationRequest:
    point: WelfarePoint
    scopes: list[str]
    valid_from: date
    valid_until: date
    delegate_user: User | None = None
    id_document_type: str = ""
    id_document_number: str = ""
    id_document_expiry: date | None = None
    scan: object | None = None  # the uploaded scanned document (desk channel)
    extra: dict = field(default_factory=dict)


def _check(request: DelegationRequest) -> None:
    scopes = [s for s in request.scopes if s in DelegationScope.values]
    if not scopes or len(scopes) != len(request.scopes):
        raise ValidationError({"scopes": _("Scelga almeno un'azione da delegare.")})
    if request.point is None or not request.point.is_active:
        raise ValidationError({"point": _("Scelga un Punto Welfare attivo.")})
    today = timezone.localdate()
    if request.valid_from is None or request.valid_until is None:
        raise ValidationError({"valid_until": _("Indichi l'inizio e la fine della validità.")})
    if request.valid_until < request.valid_from or request.valid_until < today:
        raise ValidationError(
            {"valid_until": _("La fine della validità deve seguire l'inizio e non essere passata.")}
        )
    if (request.valid_until - request.valid_from).days > 366 * MAX_YEARS:
        raise ValidationError(
            {"valid_until": _("Una delega dura al massimo %(n)s anni.") % {"n": MAX_YEARS}}
        )
    user = request.delegate_user
    if (
        user is not None
        and not user.memberships.filter(
            organization_id=request.point.organization_id, is_active=True
        ).exists()
    ):
        raise ValidationError(
            {"delegate_user": _("L'operatore delegato deve lavorare per questo Punto.")}
        )


def _create(actor, person, request, channel) -> Delegation:
    delegation = Delegation.objects_unscoped.create(
        person=person,
        point=request.point,
        delegate_user=request.delegate_user,
        organization_id=request.point.organization_id,
        scopes=list(request.scopes),
        valid_from=request.valid_from,
        valid_until=request.valid_until,
        channel=channel,
        id_document_type=request.id_document_type,
        id_document_number=request.id_document_number,
        id_document_expiry=request.id_document_expiry,
        recorded_by=actor.user,
    )
    audit.record(
        actor,
        "desk.delegation_given",
        delegation,
        organization=delegation.organization_id,
        person=person,
        after={
            "point": request.point.name,
            "delegate": request.delegate_user.email if request.delegate_user else None,
            "scopes": list(request.scopes),
            "valid_from": request.valid_from.isoformat(),
            "valid_until": request.valid_until.isoformat(),
            "channel": channel,
        },
    )
    return delegation


@audited_refusal("desk.delegation_refused")
def give_digitally(actor: Actor, request: DelegationRequest) -> Delegation:
    """The citizen delegates a Point (or one of its operators) from their area."""
    person = actor.user.person if actor.user else None
    if person is None or actor.membership is not None:
        raise PermissionDenied(_("Una delega si dà dalla propria area personale."))
    if not request.point.is_public:
        raise ValidationError({"point": _("Scelga un Punto Welfare dell'elenco pubblico.")})
    _check(request)
    return _create(actor, person, request, DelegationChannel.DIGITAL)


@audited_refusal("desk.delegation_refused")
def record_at_desk(actor: Actor, person: Person, request: DelegationRequest) -> Delegation:
    """A paper delegation signed at the desk, with the citizen's identity document (type,
    number, expiry and the scanned copy)."""
    actor.require("desk.cases")
    if not my_points(actor).filter(pk=request.point.pk).exists():
        raise PermissionDenied(_("Non lavora in questo Punto Welfare."))
    _check(request)
    if request.id_document_type not in IdDocumentType.values:
        raise ValidationError({"id_document_type": _("Indichi il tipo di documento d'identità.")})
    number = " ".join((request.id_document_number or "").split()).upper()
    if not number or len(number) > 40:
        raise ValidationError({"id_document_number": _("Indichi il numero del documento.")})
    request.id_document_number = number
    expiry = request.id_document_expiry
    if expiry is None or expiry < timezone.localdate():
        raise ValidationError(
            {"id_document_expiry": _("Il documento d'identità è scaduto o manca la scadenza.")}
        )
    if request.scan is None:
        raise ValidationError({"scan": _("Alleghi la copia del documento d'identità.")})
    checked = check_upload(request.scan, max_bytes=SCAN_MAX_BYTES)
    delegation = _create(actor, person, request, DelegationChannel.DESK)
    document = DelegationDocument(
        delegation=delegation, uploaded_by=actor.user, **DelegationDocument.fields_from(checked)
    )
    document.file.save(stored_name(checked.original_name), request.scan, save=False)
    document.save()
    return delegation


@audited_refusal("desk.delegation_refused")
def revoke(actor: Actor, delegation: Delegation) -> Delegation:
    """Revoked by the citizen in their area, or at the desk by an operator of the Point."""
    delegation = Delegation.objects_unscoped.select_for_update().get(pk=delegation.pk)
    own = actor.membership is None and actor.user and actor.user.person_id == delegation.person_id
    if own:
        channel = DelegationChannel.DIGITAL
    elif actor.has_perm("desk.cases") and my_points(actor).filter(pk=delegation.point_id).exists():
        channel = DelegationChannel.DESK
    else:
        raise PermissionDenied(_("Non può revocare questa delega."))
    if delegation.revoked_at is not None:
        raise ValidationError(_("La delega è già stata revocata."))
    delegation.revoked_at, delegation.revoked_by = timezone.now(), actor.user
    delegation.revoke_channel = channel
    delegation.save(update_fields=["revoked_at", "revoked_by", "revoke_channel"])
    audit.record(
        actor,
        "desk.delegation_revoked",
        delegation,
        organization=delegation.organization_id,
        person=delegation.person_id,
        after={"channel": channel},
    )
    return delegation


def delegations_for(actor: Actor, person: Person):
    """The delegations of `person` that name the actor or one of their Points."""
    points = my_points(actor).values("pk")
    return Delegation.objects_unscoped.filter(person=person).filter(
        Q(delegate_user=actor.user) | Q(delegate_user__isnull=True, point__in=points)
    )


def _day(value: date) -> str:
    return date_format(value, "d/m/Y")


def problem_with(delegation: Delegation, scope: str, today: date) -> str:
    """Why a delegation does not cover `scope` today ("" when it does)."""
    if delegation.revoked_at is not None:
        return _("La delega è stata revocata il %(day)s: l'operazione non è permessa.") % {
            "day": _day(timezone.localdate(delegation.revoked_at))
        }
    if delegation.valid_until < today:
        return _("La delega è scaduta il %(day)s: l'operazione non è permessa.") % {
            "day": _day(delegation.valid_until)
        }
    if delegation.valid_from > today:
        return _("La delega vale dal %(day)s: l'operazione non è ancora permessa.") % {
            "day": _day(delegation.valid_from)
        }
    if scope not in delegation.scopes:
        return _("La delega non comprende questa azione (%(scope)s).") % {
            "scope": dict(DelegationScope.choices).get(scope, scope)
        }
    return ""


def delegation_source(actor: Actor, person: Person, scope: str):
    """core.on_behalf source: (basis, problem) for the actor acting for `person`."""
    if actor.user is None:
        return None, None
    today = timezone.localdate()
    problem = None
    for delegation in delegations_for(actor, person).order_by("-created_at"):
        found = problem_with(delegation, scope, today)
        if not found:
            basis = _("delega n. %(n)s (%(channel)s), valida fino al %(day)s") % {
                "n": delegation.pk,
                "channel": delegation.get_channel_display(),
                "day": _day(delegation.valid_until),
            }
            return basis, None
        problem = problem or found
    return None, problem


def of_person(person: Person):
    """The person's own delegations (their area)."""
    return Delegation.objects_unscoped.filter(person=person).select_related("point")


def at_my_points(actor: Actor):
    """The delegations to the actor's Points (the desk's pages)."""
    return Delegation.objects_unscoped.filter(
        point__in=my_points(actor).values("pk")
    ).select_related("point", "document")
