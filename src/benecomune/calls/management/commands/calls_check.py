"""Verify that every call's ranking data agrees with its rules; exit 1 with one line per
problem when any is found (as ledger_check does for the money)."""

from django.core.management.base import BaseCommand, CommandError

from benecomune.calls.models import Call
from benecomune.calls.services.ranking_check import check_ranking_consistency
from benecomune.core.scoping import all_tenants


class Command(BaseCommand):
    help = (
        "Controlla che le chiavi di graduatoria corrispondano a punteggio e criteri di parità "
        "e che le graduatorie calcolate ne seguano l'ordine."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", type=int, help="controlla solo il bando con questo id")

    def handle(self, *args, call=None, **options):
        with all_tenants():
            calls = Call.objects_unscoped.order_by("pk")
            if call is not None:
                calls = calls.filter(pk=call)
                if not calls.exists():
                    raise CommandError(f"Nessun bando con id {call}.")
            problems = []
            checked = 0
            for item in calls.iterator():
                problems += check_ranking_consistency(item)
                checked += 1
        if problems:
            for problem in problems:
                self.stderr.write(f"- {problem}")
            raise CommandError(f"calls_check: {len(problems)} problema/i trovato/i", returncode=1)
        self.stdout.write(
            self.style.SUCCESS(f"calls_check: OK, {checked} bando/i, graduatorie coerenti.")
        )
