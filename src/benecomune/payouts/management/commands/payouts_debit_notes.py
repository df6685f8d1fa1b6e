"""Issue the merchants' debit notes of the settlement periods already closed (run daily)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from benecomune.core.actors import Actor
from benecomune.core.scoping import all_tenants
from benecomune.ledger.money import format_euro
from benecomune.payouts.services.debit_notes import issue_due_debit_notes


class Command(BaseCommand):
    help = (
        "Emette le note di debito degli esercenti per i periodi chiusi (settimanale, "
        "quindicinale o mensile, come impostato dal Comune). Idempotente."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="giorno di riferimento AAAA-MM-GG (predefinito: oggi)")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Data non valida: usi AAAA-MM-GG.") from exc
        with all_tenants():
            notes = issue_due_debit_notes(Actor.system_actor("payouts_debit_notes"), today=today)
        for note in notes:
            self.stdout.write(
                f"{note.merchant.name}: nota n. {note.display_number} a {note.payer.name}, "
                f"{format_euro(note.total)} ({note.line_count} operazioni)"
            )
        self.stdout.write(self.style.SUCCESS(f"Note emesse: {len(notes)}"))
