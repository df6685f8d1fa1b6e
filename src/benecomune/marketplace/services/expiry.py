"""The daily sweep over documents that expire (run by beat, marketplace.expire_evidence):

- reminders to the provider 60 and 15 days before a document expires, each sent once (the
  time it was sent is kept on the document; a document first seen at 15 days or less gets
  only the 15-day one);
- an accredited provider whose required document has expired is suspended (no payment from
  public or company wallets until renewed: is_accredited answers False);
- an accreditation past its end date expires.

Idempotent: a second run the same day finds nothing to do. Each accreditation moves in its
own transaction, so one failure does not hold back the others.
"""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.notifications import EMAIL, notify
from benecomune.marketplace.lifecycles import ACCREDITATION
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationEvidence,
    AccreditationStatus,
)

S = AccreditationStatus
REMINDER_DAYS = (60, 15)
# Documents of requests still alive get reminders; closed ones do not.
WATCHED = (S.SUBMITTED, S.IN_REVIEW, S.ACCREDITED, S.SUSPENDED)


def _date(day) -> str:
    text = formats.date_format(day, "j F Y")
    # Italian writes month names in lower case ("5 dicembre 2026").
    return text.lower() if (get_language() or "").startswith("it") else text


def _remind(actor: Actor, evidence_id: int, days: int, today: datetime.date, now) -> bool:
    with transaction.atomic():
        evidence = (
            AccreditationEvidence.objects_unscoped.select_for_update()
            .select_related("accreditation__provider", "requirement")
            .get(pk=evidence_id)
        )
        field = f"reminder_{days}_sent_at"
        if getattr(evidence, field) is not None or not evidence.is_current:
            return False
        evidence.reminder_15_sent_at = evidence.reminder_15_sent_at or (now if days == 15 else None)
        # The 15-day reminder stands for the 60-day one when that was never sent.
        evidence.reminder_60_sent_at = evidence.reminder_60_sent_at or now
        evidence.save(update_fields=["reminder_60_sent_at", "reminder_15_sent_at"])
        provider = evidence.accreditation.provider
        audit.record(
            actor,
            "marketplace.evidence_reminder",
            evidence,
            organization=provider,
            after={"days": days, "expires_on": str(evidence.expires_on)},
        )
        notify(
            provider,
            "marketplace_evidence_expiring",
            {
                "provider": provider.name,
                "document": evidence.requirement.title,
                "date": _date(evidence.expires_on),
                "days": (evidence.expires_on - today).days,
            },
            organization=provider,
            channels=[EMAIL],
        )
    return True


def _suspend(actor: Actor, accreditation_id: int, today: datetime.date) -> bool:
    with transaction.atomic():
        accreditation = (
            Accreditation.objects_unscoped.select_for_update()
            .select_related("provider", "network")
            .get(pk=accreditation_id)
        )
        if accreditation.status != S.ACCREDITED:
            return False
        expired = list(
            AccreditationEvidence.objects_unscoped.filter(
                accreditation=accreditation,
                is_current=True,
                requirement__required=True,
                expires_on__lt=today,
            ).select_related("requirement")
        )
        if not expired:
            return False
        reason = _("Documento obbligatorio scaduto: %(items)s.") % {
            "items": "; ".join(f"{e.requirement.title} ({_date(e.expires_on)})" for e in expired)
        }
        accreditation.reason = reason
        ACCREDITATION.apply(
            actor, accreditation, S.SUSPENDED, extra_fields=["reason"], reason=reason
        )
        notify(
            accreditation.provider,
            "marketplace_accreditation_closed",
            {
                "provider": accreditation.provider.name,
                "network": accreditation.network.name,
                "area": accreditation.get_area_display(),
                "status": accreditation.get_status_display(),
                "reason": reason,
            },
            organization=accreditation.provider,
            channels=[EMAIL],
        )
    return True


def _expire(actor: Actor, accreditation_id: int, today: datetime.date) -> bool:
    with transaction.atomic():
        accreditation = Accreditation.objects_unscoped.select_for_update().get(pk=accreditation_id)
        if accreditation.status not in (S.ACCREDITED, S.SUSPENDED):
            return False
        if accreditation.valid_until is None or accreditation.valid_until >= today:
            return False
        ACCREDITATION.apply(actor, accreditation, S.EXPIRED)
    return True


def expire_evidence(actor: Actor | None = None, *, today: datetime.date | None = None) -> dict:
    """One sweep; returns what it did (counts)."""
    actor = actor or Actor.system_actor("marketplace.expire_evidence")
    today = today or timezone.localdate()
    now = timezone.now()
    done = {"reminders_60": 0, "reminders_15": 0, "suspended": 0, "expired": 0}
    current = AccreditationEvidence.objects_unscoped.filter(
        is_current=True, accreditation__status__in=WATCHED, expires_on__gte=today
    )
    for evidence_id in current.filter(
        expires_on__lte=today + datetime.timedelta(days=15), reminder_15_sent_at__isnull=True
    ).values_list("pk", flat=True):
        done["reminders_15"] += _remind(actor, evidence_id, 15, today, now)
    for evidence_id in current.filter(
        expires_on__gt=today + datetime.timedelta(days=15),
        expires_on__lte=today + datetime.timedelta(days=60),
        reminder_60_sent_at__isnull=True,
    ).values_list("pk", flat=True):
        done["reminders_60"] += _remind(actor, evidence_id, 60, today, now)
    to_suspend = (
        AccreditationEvidence.objects_unscoped.filter(
            is_current=True,
            requirement__required=True,
            expires_on__lt=today,
            accreditation__status=S.ACCREDITED,
        )
        .values_list("accreditation_id", flat=True)
        .distinct()
    )
    for accreditation_id in sorted(set(to_suspend)):
        done["suspended"] += _suspend(actor, accreditation_id, today)
    to_expire = Accreditation.objects_unscoped.filter(
        status__in=(S.ACCREDITED, S.SUSPENDED), valid_until__lt=today
    ).values_list("pk", flat=True)
    for accreditation_id in list(to_expire):
        done["expired"] += _expire(actor, accreditation_id, today)
    return done
