"""`make run`: the demo logins come last, after the server answers; e-mails go to files."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
RUN_DEMO = ROOT / "scripts" / "run_demo.py"

# A stand-in for runserver: prints its start-up lines, takes a moment, then serves.
FAKE_SERVER = """
import http.server, sys, time
print('FAKE-SERVER starting', flush=True)
time.sleep(1)
print('FAKE-SERVER listening', flush=True)
http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.SimpleHTTPRequestHandler
                       ).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_run_demo_prints_the_logins_after_the_server_answers_and_stops_on_ctrl_c(tmp_path):
    logins = tmp_path / "logins.txt"
    logins.write_text("Accessi dimostrativi\n  Cittadino  cittadino@demo\n", encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    server = [sys.executable, "-c", FAKE_SERVER, str(port)]
    run = subprocess.Popen(
        [sys.executable, str(RUN_DEMO), url, str(logins), "--", *server],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
        start_new_session=True,  # its own process group, as a terminal gives `make run`
    )
    lines = []
    try:
        for line in run.stdout:
            lines.append(line)
            if "Ctrl+C" in line:
                break
        output = "".join(lines)
        assert output.index("FAKE-SERVER listening") < output.index("Accessi dimostrativi")
        assert output.index("cittadino@demo") < output.index(url)
        os.killpg(run.pid, signal.SIGINT)  # what Ctrl+C does
        assert run.wait(timeout=15) == 0
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)


def test_run_demo_says_so_when_the_server_does_not_start(tmp_path):
    failing_server = [sys.executable, "-c", "raise SystemExit(3)"]
    result = subprocess.run(
        [sys.executable, str(RUN_DEMO), "http://127.0.0.1:9/", "none.txt", "--", *failing_server],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3
    assert "non risponde" in result.stderr


@pytest.mark.django_db
def test_seed_demo_writes_the_logins_to_a_file_instead_of_the_screen(tmp_path, capsys):
    target = tmp_path / "demo-logins.txt"
    call_command("seed_demo", "--logins-file", str(target))
    written = target.read_text(encoding="utf-8")
    assert "Accessi dimostrativi" in written
    assert "sportello@piazzola.demo.benecomune.it" in written
    assert "\x1b[" not in written  # plain text, no terminal colours
    assert "sportello@piazzola.demo.benecomune.it" not in capsys.readouterr().out
