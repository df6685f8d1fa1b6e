"""A short-lived cache of whole public pages for anonymous visitors (the catalogue's search).

Why: a search page costs about 30 ms of Python (the form, twenty cards, the shell) and two
queries; the same searches repeat (a category, a common word) and the catalogue changes rarely.
An anonymous visitor's page depends only on its URL, its language and the data, so it can be
stored once and served to everyone who asks the same.

What keys a page: the host, the path with its query string (parameters sorted), the language,
the day (accreditations and promotions change at midnight) and the version of its group. A
group's version is a counter in the cache that `bump(group)` raises: an app bumps it on commit
of any change its pages show (the marketplace's `page_cache_signals`), so a change shows at the
next request; `PUBLIC_PAGE_CACHE_SECONDS` bounds what a missed bump could leave stale.

What is never cached or served from the cache: a logged-in visitor, any method but GET, an
HTMX request, a visitor with pending flash messages, an answer that is not a plain 200.

The one per-visitor part of an anonymous page is its CSRF token (the language form, HTMX's
header). The stored copy holds a placeholder instead; each answer puts the visitor's own token
in, through `get_token`, so the CSRF cookie is set exactly as for a rendered page.

It needs a cache shared by the workers (Redis): with a per-process cache one worker's bump
would not reach the others, so the default is off there (`settings.PUBLIC_PAGE_CACHE_SECONDS`).
"""

import functools
import hashlib
import logging
import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)
PLACEHOLDER = "__bc_csrf_token__"
_TOKEN_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
_PREFIX = "bc:page"


def _timeout() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0) or 0)


def _version_key(group: str) -> str:
    return f"{_PREFIX}:v:{group}"


def version(group: str) -> int:
    key = _version_key(group)
    current = cache.get(key)
    if current is None:
        # A fresh counter; add() keeps a concurrent first writer's value.
        cache.add(key, 1, timeout=None)
        current = cache.get(key, 1)
    return int(current)


def bump(group: str) -> None:
    """Make every stored page of `group` obsolete (now: call it on commit of the change)."""
    key = _version_key(group)
    try:
        cache.incr(key)
    except ValueError:  # no counter yet: nothing stored under it either
        cache.add(key, 1, timeout=None)
        cache.incr(key)


def bump_on_commit(group: str) -> None:
    # robust: a cache that is down must not turn a committed change into an error page.
    transaction.on_commit(lambda: bump(group), robust=True)


def _cacheable_request(request) -> bool:
    if request.method != "GET" or request.headers.get("HX-Request"):
        return False
    if request.user.is_authenticated:
        return False
    # A flash message belongs to one visitor; `len()` reads them without marking them used.
    return len(get_messages(request)) == 0


def page_key(request, group: str) -> str:
    query = "&".join(sorted(request.GET.urlencode().split("&"))) if request.GET else ""
    raw = "|".join(
        [
            request.get_host(),  # absolute links (structured data) name the host
            request.path,
            query,
            get_language() or "",
            timezone.localdate().isoformat(),
        ]
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"{_PREFIX}:{group}:{version(group)}:{digest}"


def _stored(response: HttpResponse) -> dict:
    html = response.content.decode(response.charset)
    token = _TOKEN_IN_FORM.search(html)
    if token:
        html = html.replace(token.group(1), PLACEHOLDER)
    return {"html": html, "content_type": response["Content-Type"]}


def _answer(request, stored: dict) -> HttpResponse:
    html = stored["html"]
    if PLACEHOLDER in html:
        html = html.replace(PLACEHOLDER, get_token(request))
    response = HttpResponse(html, content_type=stored["content_type"])
    response["X-Page-Cache"] = "hit"
    return response


def cache_public_page(group: str):
    """Serve anonymous GETs of the decorated view from the cache of `group` (see above)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            timeout = _timeout()
            if timeout <= 0 or not _cacheable_request(request):
                return view(request, *args, **kwargs)
            try:
                key = page_key(request, group)
                stored = cache.get(key)
            except Exception:  # the cache is down: the page is still served, rendered
                logger.warning("page cache unavailable", exc_info=True)
                return view(request, *args, **kwargs)
            if stored is not None:
                response = _answer(request, stored)
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming:
                    return response
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                try:
                    cache.set(key, _stored(response), timeout)
                except Exception:
                    logger.warning("page cache unavailable", exc_info=True)
                response["X-Page-Cache"] = "miss"
            patch_vary_headers(response, ("Cookie",))  # the language is a cookie too
            return response

        return wrapper

    return decorator
