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


app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "desk-remind-reviews": {"task": "desk.remind_reviews", "schedule": crontab(hour=7, minute=0)},
}
