"""Celery tasks of the marketplace, and their schedule for `celery beat`."""

from celery import shared_task
from celery.schedules import crontab

from benecomune.celery import app


@shared_task(name="marketplace.expire_evidence")
def expire_evidence() -> dict:
    """Reminders, automatic suspensions and expiries (marketplace/services/expiry.py). The
    sweep is platform-wide by nature (every network's providers): it reads through the
    unscoped managers and acts as the system actor."""
    from benecomune.core.actors import Actor
    from benecomune.core.scoping import all_tenants
    from benecomune.marketplace.services.expiry import expire_evidence as sweep

    with all_tenants():
        return sweep(Actor.system_actor("marketplace.expire_evidence"))


# Every night, after the vouchers' maintenance.
app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "marketplace-expire-evidence": {
        "task": "marketplace.expire_evidence",
        "schedule": crontab(hour=3, minute=15),
    },
}
