"""The API's own WSGI handler: Django with a shorter middleware chain (settings.API_MIDDLEWARE).

The API authenticates every call with a bearer token and never uses cookies, sessions, CSRF,
messages, roles chosen in the browser or the staff's second factor: on the tills' hot path
(hundreds of calls a second) those layers would only cost time. What stays: security headers,
language, host validation, and the tenant scope of the token's organisation.
"""

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections


class ApiMiddleware:
    """Mixin for a Django handler: build its chain from settings.API_MIDDLEWARE."""

    def load_middleware(self, is_async=False):
        # Django builds the chain from settings.MIDDLEWARE: lend it the API's list while this
        # handler is built (once, at start-up).
        site_chain = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = site_chain


class ApiWSGIHandler(ApiMiddleware, WSGIHandler):
    pass


class SkipConnectionHealthCheck:
    """No `SELECT 1` before the API's first query (Django's CONN_HEALTH_CHECKS, kept for the
    pages). A connection that died since the last request makes this call fail with a 500;
    Django then drops it and the next call opens a new one. Every call that moves money carries
    an Idempotency-Key, so the till's retry is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for conn in connections.all(initialized_only=True):
            conn.health_check_done = True
        return self.get_response(request)


def dispatch(site, api):
    """One WSGI application: /api/ to `api`, the rest to `site`."""

    def application(environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/api/"):
            return api(environ, start_response)
        return site(environ, start_response)

    return application
