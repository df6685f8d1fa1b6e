"""The API's own WSGI handler: Django with a shorter middleware chain (settings.API_MIDDLEWARE).

The API authenticates every call with a bearer token and never uses cookies, sessions, CSRF,
messages, roles chosen in the browser or the staff's second factor: on the tills' hot path
(hundreds of calls a second) those layers would only cost time. What stays: security headers,
language, host validation, and the tenant scope of the token's organisation.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections
from django.utils.module_loading import import_string


class ApiMiddleware:
    """Mixin for a Django handler: its chain is built here from settings.API_MIDDLEWARE, in
    the order Django builds settings.MIDDLEWARE (last one innermost). Synchronous only: the
    API is served by WSGI (asgi.py serves the site alone, see there)."""

    def load_middleware(self, is_async=False):
        if is_async:
            raise ImproperlyConfigured("The API's handler is synchronous (WSGI).")
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        handler = convert_exception_to_response(self._get_response)
        for path in reversed(settings.API_MIDDLEWARE):
            try:
                instance = import_string(path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


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
