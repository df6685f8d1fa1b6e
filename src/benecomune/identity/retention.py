"""Retention: how long each category of personal data is kept, per Comune, and the job that
anonymises or deletes what has expired.

- Rejected or withdrawn applications, `years` after their call closed: anonymised. The row
  stays (the call's numbers and the audit refer to it) with its contacts, ISEE protocol,
  declarations and consent note emptied, its documents deleted with their files, and the
  other members' names and codici fiscali replaced by a pseudonym.
- In-app messages and e-mails (sent or cancelled), `years` after they were written: deleted.
- Ledger and audit (and the access log): kept. Movements are never deleted, so the ledger
  stays balanced (ledger_check); audit and access log rows are append-only. Their periods are
  recorded for the Comune, and the dry run reports them as kept.

A Comune's first real run is refused until a dry run has shown what would go. Every real run
writes the register of what was purged (PurgeRecord: object type and id, a pseudonym of the
person, never their name) and one audit event with the counts.
"""

import datetime
import hashlib

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.identity.models import (
    PurgeRecord,
    RetentionCategory,
    RetentionRule,
    RetentionRun,
)

C = RetentionCategory
DEFAULT_YEARS = {
    C.REJECTED_APPLICATIONS: 5,
    C.NOTIFICATIONS: 2,
    C.EMAILS: 2,
    C.LEDGER: 10,
    C.AUDIT: 10,
}
KEPT = (C.LEDGER, C.AUDIT)  # never purged by this job (see the module's docstring)
PERMISSION = "privacy.manage"


def pseudonym(person_id) -> str:
    if person_id is None:
        return ""
    return salted_hmac("identity.retention", str(person_id)).hexdigest()[:16]


def years_for(organization_id: int) -> dict[str, int]:
    years = dict(DEFAULT_YEARS)
    for rule in RetentionRule.objects_unscoped.filter(organization_id=organization_id):
        years[rule.category] = rule.years
    return years


def _cutoff(years: int, now: datetime.datetime) -> datetime.datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def _purged_ids(organization_id, object_type):
    # object_id is text (any model's key): cast for the comparison with an integer key.
    return (
        PurgeRecord.objects_unscoped.filter(
            organization_id=organization_id, object_type=object_type
        )
        .annotate(ref=Cast("object_id", BigIntegerField()))
        .values("ref")
    )


def expired(organization_id: int, category: str, years: int, now):
    """The rows of `category` past their period (a queryset), or None for kept categories."""
    cutoff = _cutoff(years, now)
    if category == C.REJECTED_APPLICATIONS:
        model = apps.get_model("calls.Application")
        return model.objects_unscoped.filter(
            organization_id=organization_id,
            status__in=("rejected", "withdrawn"),
            call__closes_at__lt=cutoff,
        ).exclude(pk__in=_purged_ids(organization_id, "calls.application"))
    if category == C.NOTIFICATIONS:
        model = apps.get_model("core.Notification")
        return model._base_manager.filter(
            person__residence_id=organization_id, created_at__lt=cutoff
        )
    if category == C.EMAILS:
        model = apps.get_model("core.OutboxMessage")
        return model._base_manager.filter(
            organization_id=organization_id,
            created_at__lt=cutoff,
            status__in=("sent", "cancelled"),
        )
    return None


def _anonymise_application(application) -> None:
    for document in application.documents.all():
        document.file.delete(save=False)
        document.delete()
    for member in application.members.all():
        if member.person_id == application.applicant_id:
            continue
        code = "X" + hashlib.sha256(member.fiscal_code.encode()).hexdigest()[:15].upper()
        member.fiscal_code, member.full_name, member.person = code, "", None
        member.disability, member.active = False, False
        member.save(update_fields=["fiscal_code", "full_name", "person", "disability", "active"])
    type(application).objects_unscoped.filter(pk=application.pk).update(
        contact_phone="",
        contact_email="",
        isee_protocol="",
        declarations={},
        eligibility_notes=[],
        consent_note="",
    )


def _purge(run: RetentionRun, category: str, rows) -> int:
    records = []
    if category == C.REJECTED_APPLICATIONS:
        for application in rows.prefetch_related("documents", "members"):
            _anonymise_application(application)
            records.append((application, "anonymised", application.applicant_id))
    else:
        records = [(row, "deleted", row.person_id) for row in rows]
        rows.model._base_manager.filter(pk__in=[row.pk for row, *_rest in records]).delete()
    PurgeRecord.objects_unscoped.bulk_create(
        PurgeRecord(
            run=run,
            organization_id=run.organization_id,
            category=category,
            object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
            object_id=str(obj.pk),
            action=action,
            person_pseudonym=pseudonym(person_id),
        )
        for obj, action, person_id in records
    )
    return len(records)


@transaction.atomic
def run_retention(actor: Actor, organization, *, dry_run: bool) -> RetentionRun:
    actor.require(PERMISSION, organization)
    organization_id = getattr(organization, "pk", organization)
    if (
        not dry_run
        and not RetentionRun.objects_unscoped.filter(
            organization_id=organization_id, dry_run=True
        ).exists()
    ):
        raise ValidationError(
            _("Prima della prima esecuzione faccia una simulazione e ne controlli il resoconto.")
        )
    now = timezone.now()
    run = RetentionRun.objects_unscoped.create(
        organization_id=organization_id, dry_run=dry_run, started_by=actor.user
    )
    summary = {}
    for category, years in years_for(organization_id).items():
        rows = expired(organization_id, category, years, now)
        if rows is None:
            summary[category] = {"years": years, "kept": True, "count": 0}
            continue
        count = rows.count() if dry_run else _purge(run, category, rows)
        summary[category] = {"years": years, "kept": False, "count": count}
    run.summary = summary
    RetentionRun.objects_unscoped.filter(pk=run.pk).update(summary=summary)
    audit.record(
        actor,
        "identity.retention_dry_run" if dry_run else "identity.retention_run",
        run,
        organization=organization_id,
        after={k: v["count"] for k, v in summary.items()},
    )
    return run


@transaction.atomic
def set_periods(actor: Actor, organization, years: dict[str, int]) -> None:
    actor.require(PERMISSION, organization)
    organization_id = getattr(organization, "pk", organization)
    before = years_for(organization_id)
    for category, value in years.items():
        if category not in C.values:
            continue
        if value is None or value < 1 or value > 50:
            raise ValidationError({category: _("Indichi un numero di anni tra 1 e 50.")})
        RetentionRule.objects_unscoped.update_or_create(
            organization_id=organization_id, category=category, defaults={"years": value}
        )
    audit.record(
        actor,
        "identity.retention_periods",
        None,
        organization=organization_id,
        before=before,
        after=years_for(organization_id),
    )
