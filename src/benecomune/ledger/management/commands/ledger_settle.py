"""Fold pending credits into stored balances (keeps balance reads cheap). Moves no money."""

from django.core.management.base import BaseCommand

from benecomune.ledger.models import BalanceDelta
from benecomune.ledger.services.transfers import settle


class Command(BaseCommand):
    help = "Roll pending balance deltas up into the accounts' stored balances."

    def handle(self, *args, **options):
        ids = (
            BalanceDelta.objects.values_list("account_id", flat=True)
            .distinct()
            .order_by("account_id")
        )
        count = 0
        for account_id in list(ids):
            settle(account_id)  # one short lock per account, ascending id order
            count += 1
        self.stdout.write(f"ledger_settle: {count} account(s) settled.")
