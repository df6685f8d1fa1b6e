"""Recompute `Application.rank_key` from the stored score and tie values.

Before this fix the submission and clarification paths computed the key but did not save it, so
most applications kept an empty key and every ranking followed submission time. The key is a
pure function of score and tie values (calls.rules.rank_key), so it can be rebuilt exactly.
Rankings already built are snapshots: rebuild them (the ranking page) to apply the new order.
"""

from django.db import migrations

from benecomune.calls.rules import rank_key

BATCH = 2000


def recompute_rank_keys(apps, schema_editor=None) -> int:
    """Repair every application whose key does not match its score and tie values; returns
    how many were repaired. Historical models have plain managers (no tenant scope needed)."""
    Application = apps.get_model("calls", "Application")
    stale = []
    repaired = 0
    rows = Application.objects.only("pk", "score", "tie_values", "rank_key").order_by("pk")
    for application in rows.iterator(chunk_size=BATCH):
        expected = rank_key(application.score, tuple(application.tie_values or ()))
        if application.rank_key != expected:
            application.rank_key = expected
            stale.append(application)
        if len(stale) >= BATCH:
            Application.objects.bulk_update(stale, ["rank_key"])
            repaired += len(stale)
            stale = []
    if stale:
        Application.objects.bulk_update(stale, ["rank_key"])
        repaired += len(stale)
    return repaired


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(recompute_rank_keys, migrations.RunPython.noop, elidable=True),
    ]
