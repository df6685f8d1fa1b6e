"""Celery tasks of the vouchers app, and their schedule for `celery beat`."""

from celery import shared_task
from celery.schedules import crontab

from benecomune.celery import app


@shared_task(name="vouchers.maintenance")
def maintenance() -> dict:
    from benecomune.core.actors import Actor
    from benecomune.vouchers.services import maintenance as service

    return service.run(Actor.system_actor("vouchers.maintenance"))


# Every night: expired vouchers go back to their funds (the Comune's page shows the result,
# and can also start it by hand).
app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "vouchers-maintenance": {
        "task": "vouchers.maintenance",
        "schedule": crontab(hour=2, minute=30),
    },
}
