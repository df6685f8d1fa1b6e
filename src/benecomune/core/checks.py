"""System checks of the core app."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from benecomune.core import shared_counters


@register(Tags.security, deploy=True)
def shared_counters_store_check(app_configs, **kwargs):
    """Login throttling and token revocation need one count for all worker processes: with a
    per-process store each gunicorn worker would lock an account only after its own
    threshold, and a revoked token would keep working on the other workers."""
    store = settings.SHARED_COUNTERS_STORE
    if store not in ("database", "cache"):
        return [
            Error(
                f"SHARED_COUNTERS_STORE is {store!r}: use 'database' or 'cache'.",
                id="benecomune.E001",
            )
        ]
    if shared_counters.is_per_process():
        return [
            Error(
                "Login throttling and token revocation are kept per process: "
                f"SHARED_COUNTERS_STORE=cache with {settings.CACHES['default']['BACKEND']}.",
                hint="Set CACHE_URL=redis://... or SHARED_COUNTERS_STORE=database.",
                id="benecomune.E002",
            )
        ]
    return []
