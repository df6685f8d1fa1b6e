"""Serve the demo and print its logins last, once the server answers (used by `make run`).

    python scripts/run_demo.py URL LOGINS_FILE -- COMMAND...

Starts COMMAND (the development server), waits until URL answers, then prints LOGINS_FILE
(written by `seed_demo --logins-file`) and the address, so they are the last lines on screen
rather than lost above the server's start-up output. Ctrl+C stops the server and exits.
"""

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

START_TIMEOUT = 120  # seconds: the first start compiles templates and may be slow


def answers(url: str) -> bool:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http address: {url}")
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - http(s) only, checked above
            return True
    except urllib.error.HTTPError:
        return True  # an error page is an answer: the server is up
    except OSError:
        return False


def wait_until_ready(server: subprocess.Popen, url: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        if answers(url):
            return True
        time.sleep(0.3)
    return False


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") != 2:
        print(__doc__, file=sys.stderr)
        return 2
    url, logins_file, command = argv[0], Path(argv[1]), argv[3:]
    server = subprocess.Popen(command)  # noqa: S603 - the command the Makefile gives
    try:
        if not wait_until_ready(server, url, START_TIMEOUT):
            print(f"Il server non risponde su {url}.", file=sys.stderr, flush=True)
            server.terminate()
            return server.wait() or 1
        logins = logins_file.read_text(encoding="utf-8") if logins_file.exists() else ""
        print(f"\n{logins.rstrip()}\n\nBene Comune: {url}   (Ctrl+C per fermare)\n", flush=True)
        return server.wait()
    except KeyboardInterrupt:
        # Ctrl+C reaches the server too (same process group): let it stop by itself, and
        # stop it only if it has not after a few seconds.
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
