"""System check: the open data's small-cell thresholds are never below the floor."""

from django.core import checks

from benecomune.observatory.services.suppression import FLOOR, THRESHOLDS


@checks.register()
def min_cell_setting(app_configs, **kwargs):
    from django.conf import settings

    errors = []
    for name, default in THRESHOLDS.items():
        k = getattr(settings, name, default)
        if not isinstance(k, int) or k < FLOOR:
            errors.append(
                checks.Error(
                    f"{name} must be an integer >= {FLOOR} (got {k!r}).",
                    id="observatory.E001",
                )
            )
    return errors
