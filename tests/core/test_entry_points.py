"""The entry points: the API's middleware chain is built from API_MIDDLEWARE without touching
settings.MIDDLEWARE, and ASGI refuses /api/ rather than serving it through the site's chain."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from benecomune.api.handler import ApiWSGIHandler


def test_api_chain_is_built_from_api_middleware_only():
    before = list(settings.MIDDLEWARE)
    handler = ApiWSGIHandler()
    assert before == settings.MIDDLEWARE
    # Walk the chain: each layer's get_response is the next one inward.
    names, layer = [], handler._middleware_chain
    while layer is not None:
        inner = getattr(layer, "__wrapped__", layer)
        instance = getattr(inner, "__self__", None) or inner
        if instance is handler:  # the innermost layer: the handler's own _get_response
            break
        cls = type(instance)
        names.append(f"{cls.__module__}.{cls.__qualname__}")
        layer = getattr(instance, "get_response", None)
    chain = [name for name in names if name in settings.API_MIDDLEWARE]
    assert chain == settings.API_MIDDLEWARE
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in names


def test_asgi_refuses_the_api():
    from benecomune.asgi import application

    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "path": "/api/v1/health", "method": "GET", "headers": []}
    # In a thread of its own: the test session may have an event loop running in this one
    # (Playwright's sync API leaves one), where neither asyncio.run nor async_to_sync works.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, application(scope, receive, send)).result(timeout=30)
    assert sent[0]["status"] == 404
    assert b"WSGI" in sent[1]["body"]
