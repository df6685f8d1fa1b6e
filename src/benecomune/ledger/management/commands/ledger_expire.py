"""Return the balance of expired wallets to their funds. Safe to run again (idempotent)."""

import datetime

from django.core.management.base import BaseCommand

from benecomune.core.actors import Actor
from benecomune.ledger.services.wallets import expire_wallets


class Command(BaseCommand):
    help = "Sweep expired wallet balances back to their funds (audited, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="treat this day (YYYY-MM-DD) as today")

    def handle(self, *args, date=None, **options):
        today = datetime.date.fromisoformat(date) if date else None
        moved = expire_wallets(Actor.system_actor("ledger_expire"), today=today)
        total = sum(t.amount for t in moved)
        self.stdout.write(f"ledger_expire: {len(moved)} wallet(s), {total} cents returned.")
