"""Celery tasks of the desk app, and their schedule for `celery beat`."""

from celery import shared_task
from celery.schedules import crontab
from django.conf import settings

from benecomune.celery import app


@shared_task(name="desk.remind_reviews")
def remind_reviews() -> int:
    """Remind operators of the cases whose review date has come (every morning)."""
    from benecomune.core.actors import Actor
    from benecomune.desk.services.reviews import remind_due_reviews

    return remind_due_reviews(
        Actor.system_actor("desk.remind_reviews"), base_url=getattr(settings, "SITE_URL", "")
    )


@shared_task(name="desk.remind_appointments")
def remind_appointments() -> int:
    """Remind the appointments at the Points that start within a day (every 15 minutes)."""
    from benecomune.core.actors import Actor
    from benecomune.desk.services.appointments import remind_due

    return remind_due(Actor.system_actor("desk.remind_appointments"))


app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "desk-remind-reviews": {"task": "desk.remind_reviews", "schedule": crontab(hour=7, minute=0)},
    "desk-remind-appointments": {"task": "desk.remind_appointments", "schedule": 900.0},
}
