"""ASGI entry point: the site only (pages, same middleware as WSGI's site handler).

The deployment is WSGI (gunicorn, `wsgi.py`): the API has its own shorter middleware chain
and the tills' fast path, both synchronous. Under ASGI a request to /api/ would run through
the site's chain (sessions, CSRF, second factor) instead, so it is refused here rather than
served differently; serve the API with `wsgi.py` (docs/architecture.md, "Entry points")."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benecomune.settings")
site = get_asgi_application()


async def application(scope, receive, send):
    if scope["type"] == "http" and scope.get("path", "").startswith("/api/"):
        body = b'{"code": "not_served", "message": "API servita solo via WSGI."}'
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return
    await site(scope, receive, send)
