"""Figures as fresh as the ledger when nothing runs the scheduler.

In real use Celery beat counts new transfers into the rollups every minute (tasks.py). Without
a broker (`make run`, the demo: Celery runs inline and no beat is started) nothing would, and
the dashboards and open data would stay as the demo data left them: so there, a page of
figures catches up first. The catch-up is the same upkeep, serialised by its watermark lock.
"""

from functools import wraps

from django.conf import settings


def scheduler_runs() -> bool:
    """Whether a Celery beat is expected to run the upkeep (a broker is configured)."""
    return not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False)


def catch_up_without_scheduler(view):
    """Decorator for report views: without a scheduler, run the upkeep before reading."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not scheduler_runs():
            from benecomune.observatory.services import upkeep

            upkeep.run()
        return view(request, *args, **kwargs)

    return wrapper
