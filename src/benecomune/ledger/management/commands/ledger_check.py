"""Verify the ledger's invariants; exit 1 with one line per problem when any is broken."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from benecomune.ledger.services.invariants import check_invariants


class Command(BaseCommand):
    help = "Check that all accounts sum to zero and every balance equals its entries."

    def handle(self, *args, **options):
        snapshot = connection.vendor == "postgresql" and not connection.in_atomic_block
        with transaction.atomic():
            if snapshot:
                # One consistent snapshot while payments keep flowing.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            problems = check_invariants()
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"ledger_check: {len(problems)} problem(s) found", returncode=1)
        self.stdout.write(self.style.SUCCESS("ledger_check: OK, the ledger is sound."))
