"""Celery tasks of the bookings app, and their schedule for `celery beat`."""

from celery import shared_task

from benecomune.celery import app


@shared_task(name="bookings.expire_unpaid_orders")
def expire_unpaid_orders() -> int:
    """Orders whose online payment did not arrive in time: holds released (every minute)."""
    from benecomune.bookings.services.order_payment import expire_unpaid
    from benecomune.core.actors import Actor

    return expire_unpaid(Actor.system_actor("bookings.expire_unpaid_orders"))


app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "bookings-expire-unpaid-orders": {
        "task": "bookings.expire_unpaid_orders",
        "schedule": 60.0,
    },
}
