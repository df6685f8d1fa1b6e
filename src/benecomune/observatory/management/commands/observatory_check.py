from django.core.management.base import BaseCommand, CommandError

from benecomune.observatory.services import check, upkeep


class Command(BaseCommand):
    help = "Compare the observatory's rollups with a full recomputation from the ledger."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-catch-up",
            action="store_true",
            help="Compare as they are, without running the incremental upkeep first.",
        )

    def handle(self, *args, **options):
        if not options["no_catch_up"]:
            upkeep.run()
        problems = check.differences()
        for line in problems:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"{len(problems)} differences between rollups and ledger.")
        self.stdout.write("Rollups match the ledger.")
