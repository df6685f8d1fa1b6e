"""Run the demo's TEST identity provider (identity/oidc_demo.py) on the loopback.

    python manage.py oidc_demo_provider --port 8090       # serve (`make run` does this)
    python manage.py oidc_demo_provider --describe        # print the demo identities

Never for real use: anyone can log in as any demo identity.
"""

import os
import threading
import time

from django.core.management.base import BaseCommand, CommandError

from benecomune.identity.oidc_demo import demo_identities, provider_app


class Command(BaseCommand):
    help = "Avvia l'identity provider di PROVA della demo (OpenID Connect, solo su 127.0.0.1)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument(
            "--describe", action="store_true", help="stampare le identità di prova ed uscire"
        )
        parser.add_argument(
            "--exit-with-parent",
            action="store_true",
            help="fermarsi quando termina il processo che l'ha avviato (`make run`)",
        )

    def handle(self, *args, **options):
        identities = demo_identities()
        if options["describe"]:
            self.stdout.write("")
            self.stdout.write(
                "Accesso con SPID/CIE: identity provider di PROVA (si sceglie chi essere)"
            )
            for identity in identities:
                self.stdout.write(f"  {identity.label}")
            return
        if options["host"] not in ("127.0.0.1", "localhost", "::1"):
            raise CommandError("L'identity provider di prova ascolta solo sul loopback.")
        if options["exit_with_parent"]:
            _exit_with_parent()
        import werkzeug.serving

        server = werkzeug.serving.make_server(
            options["host"], options["port"], provider_app(identities), threaded=True
        )
        self.stdout.write(
            f"Identity provider di PROVA su http://{options['host']}:{options['port']}"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


def _exit_with_parent():
    """`make run` starts the provider in the background: stop with it (Ctrl+C, or an error)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
