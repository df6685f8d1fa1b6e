"""System check: the open data's small-cell threshold is never below the floor."""

from django.core import checks

from benecomune.observatory.services.suppression import DEFAULT_K, FLOOR


@checks.register()
def min_cell_setting(app_configs, **kwargs):
    from django.conf import settings

    k = getattr(settings, "OBSERVATORY_MIN_CELL", DEFAULT_K)
    if not isinstance(k, int) or k < FLOOR:
        return [
            checks.Error(
                f"OBSERVATORY_MIN_CELL must be an integer >= {FLOOR} (got {k!r}).",
                id="observatory.E001",
            )
        ]
    return []
