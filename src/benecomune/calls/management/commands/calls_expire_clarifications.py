"""Expire the clarification requests (soccorso istruttorio) past their due date: the
applications go back to the desk as they are. Run daily; safe to run again."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from benecomune.calls.services.review import expire_clarifications
from benecomune.core.actors import Actor
from benecomune.core.scoping import all_tenants


class Command(BaseCommand):
    help = "Chiude le richieste di integrazione scadute senza risposta (idempotente)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="considera questo giorno (AAAA-MM-GG) come oggi")

    def handle(self, *args, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError("Data non valida: usi il formato AAAA-MM-GG.") from exc
        with all_tenants():
            count = expire_clarifications(
                Actor.system_actor("calls_expire_clarifications"), today=today
            )
        self.stdout.write(f"calls_expire_clarifications: {count} richiesta/e scaduta/e.")
