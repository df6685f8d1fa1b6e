"""Celery tasks of the observatory, and their schedule for `celery beat`."""

from celery import shared_task

from benecomune.celery import app

UPKEEP_EVERY_SECONDS = 60.0


@shared_task(name="observatory.upkeep")
def upkeep() -> dict:
    """Count the ledger's new transfers into the rollups (services/upkeep.py)."""
    from benecomune.observatory.services import upkeep as service

    return service.run()


# Every minute: dashboards and open data are at most a minute or so behind the ledger, and the
# redemption's transaction never pays for them.
app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "observatory-upkeep": {"task": "observatory.upkeep", "schedule": UPKEEP_EVERY_SECONDS},
}
