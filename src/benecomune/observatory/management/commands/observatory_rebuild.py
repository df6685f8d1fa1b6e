from django.core.management.base import BaseCommand

from benecomune.observatory.services import upkeep


class Command(BaseCommand):
    help = "Rebuild the observatory's rollups from the whole ledger, bookings and orders."

    def handle(self, *args, **options):
        result = upkeep.rebuild()
        self.stdout.write(
            f"Rollups rebuilt: {result['transfers']} transfers, watermark {result['last_id']}; "
            f"{result['usage']['rows']} bookings and orders."
        )
