"""Celery tasks of the vouchers app, and their schedule for `celery beat`."""

from celery import shared_task
from celery.schedules import crontab

from benecomune.celery import app


@shared_task(name="vouchers.maintenance")
def maintenance() -> dict:
    from benecomune.core.actors import Actor
    from benecomune.vouchers.services import maintenance as service

    return service.run(Actor.system_actor("vouchers.maintenance"))


TILL_NOTICES_EVERY_SECONDS = 5.0


# Every night: expired vouchers go back to their funds (the Comune's page shows the result,
# and can also start it by hand).
app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "vouchers-maintenance": {
        "task": "vouchers.maintenance",
        "schedule": crontab(hour=2, minute=30),
    },
    # The notices of the POS API's one-statement payments (services/notices.py): a few
    # seconds after the payment, without a publish on the till's hot path.
    "vouchers-till-notices": {
        "task": "vouchers.send_till_notices",
        "schedule": TILL_NOTICES_EVERY_SECONDS,
    },
}


@shared_task(
    name="vouchers.till_notice",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
)
def till_notice(kind: str, pk: int) -> None:
    """Tell the citizen of a payment, void, hold or release at a till (queued on commit)."""
    from benecomune.vouchers.services import notices

    notices.send(kind, pk)


@shared_task(name="vouchers.send_till_notices")
def send_till_notices() -> int:
    """Send the notices waiting in the outbox (vouchers_tillnotice); run by beat."""
    from benecomune.vouchers.services import notices

    return notices.drain()
