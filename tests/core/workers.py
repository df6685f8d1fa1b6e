"""Gunicorn with several worker processes against the test database, for the properties that
only hold (or fail) across processes: login throttling, token revocation.

`application` is benecomune.wsgi's, with the answering worker's pid in `X-Worker-Pid`, so a
test can tell which worker answered and insist on hearing from every one.
"""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def application(environ, start_response):
    from benecomune.wsgi import application as site

    def start(status, headers, exc_info=None):
        return start_response(status, [*headers, ("X-Worker-Pid", str(os.getpid()))], exc_info)

    return site(environ, start)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(workers: int = 3, **env_settings: str):
    """Serve the site with `workers` processes on a free port; yields the base URL."""
    from django.conf import settings

    db = settings.DATABASES["default"]
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "BENECOMUNE_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **env_settings,
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tests.core.workers:application",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Ready when every worker has answered once (a booting worker would slow the test).
        deadline = time.monotonic() + 90
        answered = set()
        while len(answered) < workers:
            try:
                status, _body, pid = request(base + "/api/v1/health")
                if status == 200:
                    answered.add(pid)
            except OSError:
                time.sleep(0.2)
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(server.communicate()[0].decode(errors="replace")[-3000:])
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url, *, data=None, headers=None, opener=None):
    """(status, body, worker pid) of one request on a new connection; redirects not followed."""
    opener = opener or urllib.request.build_opener(_NoRedirect)
    body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(url)
    req = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
    try:
        with opener.open(req, timeout=90) as response:
            return response.status, response.read().decode(), response.headers["X-Worker-Pid"]
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers["X-Worker-Pid"]


def post_login(base: str, email: str, password: str, path: str = "/accedi/"):
    """Fill in a login form as a browser would (its page first, for the CSRF token)."""
    opener = urllib.request.build_opener(
        _NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    _status, page, _pid = request(base + path, opener=opener)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": csrf, "username": email, "password": password}
    if path.startswith("/admin/"):
        form["next"] = "/admin/"
    return request(base + path, data=form, opener=opener)


def burst(send, numbers):
    """send(n) for every n at once, each in its own thread: with sync workers busy on one
    request each, a burst reaches several of them (sequential requests on an idle server may
    all land on the worker that answered last). Results in the order of `numbers`."""
    from concurrent.futures import ThreadPoolExecutor

    numbers = list(numbers)
    with ThreadPoolExecutor(len(numbers)) as pool:
        return list(pool.map(send, numbers))
