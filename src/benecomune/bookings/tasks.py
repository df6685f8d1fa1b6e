"""Celery tasks of the bookings app, and their schedule for `celery beat`."""

from celery import shared_task

from benecomune.celery import app


@shared_task(name="bookings.expire_unpaid_orders")
def expire_unpaid_orders() -> int:
    """Orders whose online payment did not arrive in time: holds released (every minute)."""
    from benecomune.bookings.services.order_payment import expire_unpaid
    from benecomune.core.actors import Actor

    return expire_unpaid(Actor.system_actor("bookings.expire_unpaid_orders"))


@shared_task(name="bookings.expire_waitlist_offers")
def expire_waitlist_offers() -> int:
    """Waiting-list offers whose time ran out: the held place passes on (every minute)."""
    from benecomune.bookings.services.waitlist import expire_due

    return expire_due()


@shared_task(name="bookings.send_reminders")
def send_reminders() -> int:
    """Reminders of the confirmed bookings now due, each at most once (every 5 minutes)."""
    from benecomune.bookings.services.booking_reminders import send_due

    return send_due()


app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "bookings-expire-unpaid-orders": {
        "task": "bookings.expire_unpaid_orders",
        "schedule": 60.0,
    },
    "bookings-expire-waitlist-offers": {
        "task": "bookings.expire_waitlist_offers",
        "schedule": 60.0,
    },
    "bookings-send-reminders": {
        "task": "bookings.send_reminders",
        "schedule": 300.0,
    },
}
