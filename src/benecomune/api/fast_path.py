"""The API's fast path: a few hot calls answered in plain WSGI, everything else by Django.

A till's one-step QR redemption is the call made hundreds of times a second. Through Django and
ninja it spends more time building requests, resolving URLs, validating with pydantic and
running middleware than the service itself spends. Here a route reads the body itself, calls
the same services, and answers with the same JSON and the same headers as the full stack.

It only answers the plain case it is sure of. For anything else (another input shape, a
cookie, a host to refuse, a redirect to HTTPS, any refusal or error), the route returns None,
or raises, and the full API handler answers the request from the start. Nothing has been written
then: a route's database statement either commits whole or rolls back. If an answer is lost
after the commit, the full handler finds the Idempotency-Key already used and answers as for a
retry, so a fallback never moves money twice.

tests/core/test_api_fast_path.py compares the two paths' answers, case by case.
"""

import io
import json
import logging
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.http.request import split_domain_port, validate_host

from benecomune.core.middleware import refused_in_url, security_headers

logger = logging.getLogger(__name__)

# A route: (environ, body) -> (HTTP status, JSON data), or None to let the full stack answer
# (for any input or outcome it does not plainly handle, refusals included).
Route = Callable[[dict, bytes], tuple[int, dict] | None]

MAX_BODY = 4096
STATUS_LINES = {200: "200 OK", 201: "201 Created"}


def is_secure(environ: dict) -> bool:
    """Django's HttpRequest.is_secure() on the raw environ."""
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def host_allowed(environ: dict) -> bool:
    """Django's HttpRequest.get_host() check, without the PEP 333 reconstruction (no Host
    header: the full stack decides)."""
    if settings.USE_X_FORWARDED_HOST and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    else:
        host = environ.get("HTTP_HOST")
    if not host:
        return False
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def plain_request(environ: dict) -> bool:
    """No middleware of settings.API_MIDDLEWARE would act on this request on its way in: no
    redirect (HTTPS, www), no refused user agent or host, no language chosen by cookie, no
    control character in the query string."""
    query = environ.get("QUERY_STRING", "")
    return (
        not (query and refused_in_url(unquote(query)))
        and f"{settings.LANGUAGE_COOKIE_NAME}=" not in environ.get("HTTP_COOKIE", "")
        and not settings.DISALLOWED_USER_AGENTS
        and not settings.PREPEND_WWW
        and not (settings.SECURE_SSL_REDIRECT and not is_secure(environ))
        and host_allowed(environ)
    )


def response_headers(environ: dict, length: int) -> list[tuple[str, str]]:
    """The headers settings.API_MIDDLEWARE puts on a JSON answer (SecurityMiddleware,
    LanguageMiddleware without a cookie, SecurityHeadersMiddleware, CommonMiddleware's
    Content-Length)."""
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(length)),
        ("Content-Language", settings.LANGUAGE_CODE),
    ]
    if settings.SECURE_HSTS_SECONDS and is_secure(environ):
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            hsts += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            hsts += "; preload"
        headers.append(("Strict-Transport-Security", hsts))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    policy = settings.SECURE_REFERRER_POLICY
    if policy:
        if isinstance(policy, str):
            policy = [part.strip() for part in policy.split(",")]
        headers.append(("Referrer-Policy", ",".join(policy)))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.extend(security_headers())
    return headers


def _read_body(environ: dict) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    # The full stack may still have to read it.
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


class FastPath:
    """WSGI: `routes` ({(method, path): route}) answered here when they can, the rest by
    `fallback` (the full API handler)."""

    def __init__(self, fallback, routes: dict[tuple[str, str], Route]):
        self.fallback = fallback
        self.routes = routes

    def __call__(self, environ, start_response):
        route = self.routes.get((environ.get("REQUEST_METHOD"), environ.get("PATH_INFO")))
        if route is not None and environ.get("CONTENT_TYPE") == "application/json":
            body = _read_body(environ)
            if body is not None and plain_request(environ):
                answer = self._run(route, environ, body)
                if answer is not None:
                    status, data = answer
                    payload = json.dumps(data, cls=DjangoJSONEncoder).encode()
                    start_response(STATUS_LINES[status], response_headers(environ, len(payload)))
                    return [payload]
        return self.fallback(environ, start_response)

    def _run(self, route: Route, environ: dict, body: bytes) -> tuple[int, dict] | None:
        # What Django's request_started and request_finished do for the one database the
        # routes use (CONN_MAX_AGE, broken connections), without the signals' cost; and, as
        # the API chain does (SkipConnectionHealthCheck), no SELECT 1 before the first query.
        # Inside a transaction (only a test calls the app so) the connection is left alone,
        # as Django's test client leaves it.
        conn = connections["default"]
        housekeeping = not conn.in_atomic_block
        if housekeeping:
            conn.close_if_unusable_or_obsolete()
        conn.health_check_done = True
        try:
            return route(environ, body)
        except Exception:
            # A route returns None for what it expects (refusals, bad input): this is a bug.
            # The full stack still answers the request.
            logger.exception("fast path failed on %s", environ.get("PATH_INFO"))
            return None
        finally:
            if housekeeping:
                conn.close_if_unusable_or_obsolete()
