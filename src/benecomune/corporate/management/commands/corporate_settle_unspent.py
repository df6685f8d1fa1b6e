"""Apply each ended plan version's unspent-credit rule (back to the company, or carried over
into the next version). Safe to run again (idempotent); celery beat runs it daily."""

import datetime

from django.core.management.base import BaseCommand

from benecomune.core.actors import Actor
from benecomune.corporate.services.unspent import settle_ended_plans


class Command(BaseCommand):
    help = "Settle unspent corporate welfare credit of ended plan periods (audited, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="treat this day (YYYY-MM-DD) as today")

    def handle(self, *args, date=None, **options):
        today = datetime.date.fromisoformat(date) if date else None
        rows = settle_ended_plans(Actor.system_actor("corporate_settle_unspent"), today=today)
        returned = sum(r["returned"] for r in rows)
        carried = sum(r["carried"] for r in rows)
        self.stdout.write(
            f"corporate_settle_unspent: {len(rows)} version(s), {returned} cents returned, "
            f"{carried} cents carried over."
        )
