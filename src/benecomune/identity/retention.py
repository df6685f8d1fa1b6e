"""Retention: how long each category of personal data is kept, per Comune, and the job that
deletes, anonymises or pseudonymises what has expired (the categories and what happens to each
are in retention_categories.py; the audit's and ledger's pseudonyms in retention_pseudonyms.py).

A Comune's first real run is refused until a dry run has shown what would go. Every real run
writes the register of what was purged (PurgeRecord: object type and id, deleted, anonymised
or pseudonymised, a pseudonym of the person, never their name) and one audit event with the
counts. The ledger stays balanced (no amount or account is ever touched: ledger_check) and the
audit keeps every row, action, object, actor and time (only its personal columns change).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.identity.models import (
    PurgeRecord,
    RetentionCategory,
    RetentionRule,
    RetentionRun,
)
from benecomune.identity.retention_categories import HANDLERS
from benecomune.identity.retention_pseudonyms import person_pseudonym

C = RetentionCategory
DEFAULT_YEARS = {category: handler.years for category, handler in HANDLERS.items()}
PERMISSION = "privacy.manage"
# What a real run does to each category's rows (the dry run's report says it too).
ACTIONS = {
    C.REJECTED_APPLICATIONS: "anonymised",
    C.EXPENSE_CLAIMS: "anonymised",
    C.WALLETS: "anonymised",
    C.LEDGER: "pseudonymised",
    C.AUDIT: "pseudonymised",
}


def pseudonym(person_id) -> str:
    return person_pseudonym(person_id)


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


def expired(organization_id: int, category: str, years: int, now):
    """The rows of `category` past their period (a queryset)."""
    return HANDLERS[category].expired(organization_id, _cutoff(years, now))


def _purge(run: RetentionRun, category: str, rows) -> int:
    records = HANDLERS[category].purge(rows)
    PurgeRecord.objects_unscoped.bulk_create(
        (
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
        ),
        batch_size=1000,
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
        count = rows.count() if dry_run else _purge(run, category, rows)
        action = ACTIONS.get(category, "deleted")
        summary[category] = {"years": years, "action": action, "count": count}
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
