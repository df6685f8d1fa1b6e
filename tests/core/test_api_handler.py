"""benecomune.wsgi: the pages through the site's middleware, /api/ through the API's shorter
chain (no session, cookies or CSRF; security headers, language, host check and tenant scope
kept), without Django's per-request connection health check."""

import io
import sys

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection

from benecomune.api.handler import SkipConnectionHealthCheck
from benecomune.wsgi import application


@pytest.fixture
def keep_test_connection():
    # The handler's request signals would close the test's connection (as Django's test
    # client avoids too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(path, host="127.0.0.1"):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = headers

    body = b"".join(application(environ, start_response))
    names = {name.lower(): value for name, value in answer["headers"]}
    return answer["status"], names, body


def test_the_api_goes_through_its_own_chain(db, keep_test_connection, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    status, headers, body = call("/api/v1/health")
    assert status == 200
    assert b'"database":"ok"' in body.replace(b" ", b"")
    assert headers["x-content-type-options"] == "nosniff"  # SecurityMiddleware
    assert headers["content-language"] == "it"  # LanguageMiddleware
    assert "set-cookie" not in headers
    assert "x-frame-options" not in headers  # a page's header: not the API's chain
    assert "Cookie" not in headers.get("vary", "")


def test_pages_keep_the_full_chain(db, keep_test_connection, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    status, headers, _body = call("/")
    assert status == 200
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"


def test_the_api_still_checks_the_host(db, keep_test_connection, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    status, _headers, _body = call("/api/v1/health", host="evil.example.org")
    assert status == 400


def test_no_health_check_query_before_an_api_call(db):
    connection.ensure_connection()
    connection.health_check_done = False
    seen = []

    def view(request):
        seen.append(connection.health_check_done)
        return "ok"

    assert SkipConnectionHealthCheck(view)(object()) == "ok"
    assert seen == [True]
