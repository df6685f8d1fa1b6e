"""Nightly maintenance of the vouchers: stale authorisations released, expired vouchers
returned to their funds, dead typed codes purged. Idempotent: run it as often as you like
(`manage.py vouchers_maintenance`, or the Celery beat entry in vouchers/tasks.py)."""

import datetime

from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.ledger.services.wallets import expire_wallets
from benecomune.vouchers.services.authorisations import release_expired
from benecomune.vouchers.services.codes import purge_typed_codes


def run(actor: Actor, *, today: datetime.date | None = None) -> dict:
    released = release_expired(actor)
    moved = expire_wallets(actor, today=today or timezone.localdate())
    return {
        "authorisations_released": released,
        "wallets_expired": len(moved),
        "cents_returned": sum(t.amount for t in moved),
        "codes_purged": purge_typed_codes(),
    }
