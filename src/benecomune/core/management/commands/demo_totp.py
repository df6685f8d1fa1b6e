"""Print the current TOTP code of the demo staff accounts (demo only)."""

import time

from django.core.management.base import BaseCommand
from django_otp.oath import totp

from benecomune.core.demo.data import DEMO_TOTP_HEX


class Command(BaseCommand):
    help = "Mostra il codice TOTP del momento per gli accessi dimostrativi."

    def handle(self, *args, **options):
        code = totp(bytes.fromhex(DEMO_TOTP_HEX), step=30, digits=6)
        remaining = 30 - int(time.time()) % 30
        self.stdout.write(f"Codice di verifica: {code:06d} (vale ancora {remaining} secondi)")
