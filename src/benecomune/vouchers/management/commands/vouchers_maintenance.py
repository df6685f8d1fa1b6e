import datetime

from django.core.management.base import BaseCommand

from benecomune.core.actors import Actor
from benecomune.vouchers.services import maintenance


class Command(BaseCommand):
    help = (
        "Libera le autorizzazioni scadute, restituisce ai fondi i buoni scaduti e cancella i "
        "codici da digitare scaduti (idempotente; da pianificare ogni notte)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, **options):
        result = maintenance.run(Actor.system_actor("vouchers_maintenance"), today=options["date"])
        self.stdout.write(
            "vouchers_maintenance: {authorisations_released} autorizzazioni liberate, "
            "{wallets_expired} buoni scaduti, {cents_returned} centesimi restituiti, "
            "{codes_purged} codici cancellati.".format(**result)
        )
