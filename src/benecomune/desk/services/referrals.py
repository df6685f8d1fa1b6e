"""Referrals: an operator sends a case to a provider (optionally one of its services), a
Comune office or another Welfare Point, sharing only the data the receiver needs and only
with the person's consent to the communication of their data (purpose `sharing`). The
receiving side accepts or declines it and completes it with an outcome; a referral still
open past its follow-up date is overdue (the operator's worklist shows it).

Every move is in desk.lifecycles.REFERRAL; a refusal changes nothing and is audited."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit, notifications
from benecomune.core.actors import Actor
from benecomune.core.models import Organization, OrganizationKind
from benecomune.desk.access import my_points, received_referrals
from benecomune.desk.lifecycles import REFERRAL
from benecomune.desk.models import (
    OPEN_REFERRAL,
    Case,
    CaseConsent,
    CaseStatus,
    ConsentPurpose,
    Referral,
    ReferralStatus,
    ReferralTarget,
    WelfarePoint,
)
from benecomune.desk.services.cases import locked
from benecomune.desk.services.refusals import audited_refusal

TEXT_MAX = 2000


@dataclass
class ReferralRequest:
    target: str
    reason: str
    shared_data: str
    follow_up_on: date | None
    to_organization: Organization | None = None
    to_service: object | None = None  # marketplace.Service
    to_point: WelfarePoint | None = None


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError({field: _("Al massimo %(n)s caratteri.") % {"n": TEXT_MAX}})
    return value


def sharing_consent(case: Case) -> CaseConsent | None:
    """The person's standing consent to the communication of their data, if any."""
    return (
        CaseConsent.objects_unscoped.filter(
            case=case, purpose=ConsentPurpose.SHARING, withdrawn_at__isnull=True
        )
        .order_by("-given_at")
        .first()
    )


def _receiver(case: Case, request: ReferralRequest) -> tuple[Organization, WelfarePoint | None]:
    if request.target == ReferralTarget.PROVIDER:
        org = request.to_organization
        if org is None or org.kind != OrganizationKind.PROVIDER or not org.is_active:
            raise ValidationError({"to_organization": _("Scelga un fornitore attivo.")})
        service = request.to_service
        if service is not None and service.provider_id != org.pk:
            raise ValidationError({"to_service": _("Il servizio non è di questo fornitore.")})
        return org, None
    if request.target == ReferralTarget.OFFICE:
        org = request.to_organization
        if org is None or org.kind != OrganizationKind.MUNICIPALITY or not org.is_active:
            raise ValidationError({"to_organization": _("Scelga un Comune.")})
        return org, None
    if request.target == ReferralTarget.POINT:
        point = request.to_point
        if point is None or not point.is_active:
            raise ValidationError({"to_point": _("Scelga un Punto Welfare attivo.")})
        if point.pk == case.point_id:
            raise ValidationError(
                {"to_point": _("Il caso è già di questo Punto Welfare: scelga un altro punto.")}
            )
        return point.organization, point
    raise ValidationError({"target": _("Scelga a chi inviare la segnalazione.")})


@audited_refusal("desk.referral_refused")
def send(actor: Actor, case: Case, request: ReferralRequest) -> Referral:
    """Send a referral from `case` (an operator of the case's own Point)."""
    case = locked(actor, case)
    if case.person_id is None:
        raise ValidationError(
            _("Un contatto anonimo non può essere segnalato: servono la persona e il suo consenso.")
        )
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("Il caso è chiuso: lo riapra prima di inviare una segnalazione."))
    consent = sharing_consent(case)
    if consent is None:
        raise ValidationError(
            _(
                "Manca il consenso della persona alla comunicazione dei suoi dati a servizi ed "
                "enti della rete: lo registri nel caso prima di inviare la segnalazione."
            )
        )
    organization, point = _receiver(case, request)
    reason = _text(request.reason, "reason", _("Indichi il motivo della segnalazione."))
    shared = _text(
        request.shared_data, "shared_data", _("Indichi i dati che condivide con il destinatario.")
    )
    if request.follow_up_on is None or request.follow_up_on < timezone.localdate():
        raise ValidationError({"follow_up_on": _("Indichi una data di verifica non passata.")})
    referral = Referral.objects_unscoped.create(
        case=case,
        organization_id=case.organization_id,
        target=request.target,
        to_organization=organization,
        to_service=request.to_service if request.target == ReferralTarget.PROVIDER else None,
        to_point=point,
        reason=reason,
        shared_data=shared,
        consent=consent,
        follow_up_on=request.follow_up_on,
        sent_by=actor.user,
    )
    audit.record(
        actor,
        "desk.referral_sent",
        referral,
        organization=case.organization_id,
        person=case.person_id,
        after={
            "case": case.protocol,
            "to": organization.name,
            "target": request.target,
            "consent": consent.pk,
            "follow_up_on": request.follow_up_on.isoformat(),
        },
    )
    _notify_receiver(referral)
    notifications.notify(
        case.person,
        "desk_referral_person",
        {"point": case.point.name, "to": referral.receiver_label},
        organization=case.organization,
        channels=(notifications.INAPP,),
    )
    return referral


def _notify_receiver(referral: Referral) -> None:
    """E-mail the receiving side (the Point's or the organisation's address): the protocol and
    the link only, never the person."""
    recipient = referral.to_point or referral.to_organization
    notifications.notify(
        recipient,
        "desk_referral_received",
        {
            "protocol": referral.case.protocol,
            "point": referral.case.point.name,
            "link": reverse("desk:received_referrals"),
        },
        organization=referral.to_organization,
        channels=(notifications.EMAIL,),
    )


def _received(actor: Actor, referral: Referral | int) -> Referral:
    pk = getattr(referral, "pk", referral)
    found = received_referrals(actor).select_for_update().filter(pk=pk).first()
    if found is None:
        raise PermissionDenied(
            _("Questa segnalazione non è stata inviata alla sua organizzazione.")
        )
    return found


def _answer(actor, referral, target, note, field):
    referral = _received(actor, referral)
    if target == ReferralStatus.COMPLETED:
        referral.outcome = _text(note, field, _("Indichi l'esito."))
        referral.completed_at = timezone.now()
        extra = ["outcome", "completed_at", "updated_at"]
    else:
        referral.answer_note = (note or "").strip()[:TEXT_MAX]
        if target == ReferralStatus.DECLINED and not referral.answer_note:
            raise ValidationError({field: _("Indichi il motivo del rifiuto.")})
        referral.answered_by, referral.answered_at = actor.user, timezone.now()
        extra = ["answer_note", "answered_by", "answered_at", "updated_at"]
    REFERRAL.apply(
        actor,
        referral,
        target,
        extra_fields=extra,
        person=referral.case.person_id,
        after={"to": referral.to_organization.name},
    )
    _notify_sender(referral)
    return referral


def _notify_sender(referral: Referral) -> None:
    notifications.notify(
        referral.case.assigned_to,
        "desk_referral_answered",
        {
            "protocol": referral.case.protocol,
            "status": referral.get_status_display(),
            "link": reverse("desk:case", kwargs={"pk": referral.case_id}),
        },
        organization=referral.organization,
        channels=(notifications.EMAIL,),
    )


@audited_refusal("desk.referral_refused")
def accept(actor: Actor, referral: Referral, *, note: str = "") -> Referral:
    return _answer(actor, referral, ReferralStatus.ACCEPTED, note, "note")


@audited_refusal("desk.referral_refused")
def decline(actor: Actor, referral: Referral, *, note: str) -> Referral:
    return _answer(actor, referral, ReferralStatus.DECLINED, note, "note")


@audited_refusal("desk.referral_refused")
def complete(actor: Actor, referral: Referral, *, outcome: str) -> Referral:
    return _answer(actor, referral, ReferralStatus.COMPLETED, outcome, "outcome")


def overdue(rows, today: date | None = None):
    """The referrals of `rows` still open past their follow-up date."""
    today = today or timezone.localdate()
    return rows.filter(status__in=OPEN_REFERRAL, follow_up_on__lt=today)


def sent_by_my_points(actor: Actor):
    return Referral.objects_unscoped.filter(case__point__in=my_points(actor).values("pk"))


def referral_dashboard_section(provider, today) -> dict | None:
    """The provider's dashboard (marketplace.dashboard_sections): referrals to answer and in
    progress, read with an explicit filter on the provider."""
    rows = Referral.objects_unscoped.filter(to_organization_id=provider.pk, to_point__isnull=True)
    counts = dict(
        rows.filter(status__in=OPEN_REFERRAL)
        .values_list("status")
        .annotate(n=models.Count("pk"))
        .order_by()
    )
    return {
        "template": "desk/referrals/_dashboard.html",
        "pending": counts.get(ReferralStatus.PENDING, 0),
        "accepted": counts.get(ReferralStatus.ACCEPTED, 0),
    }
