"""No page hides another: two URL patterns with the same route would leave the second one
unreachable (Django takes the first), as happened when the marketplace's conversations took
the path of the citizen's in-app inbox. Routes are compared with their converters' names
dropped, so `<int:pk>` and `<int:id>` count as the same place."""

import re

from django.urls import URLPattern, URLResolver, get_resolver


def _routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield re.sub(r"<(?:(\w+):)?\w+>", r"<\1>", route), entry.lookup_str


def test_no_two_views_share_a_route():
    seen: dict[str, str] = {}
    clashes = []
    for route, view in _routes(get_resolver().url_patterns):
        if route in seen and seen[route] != view:
            clashes.append(f"{route}: {seen[route]} hides {view}")
        seen.setdefault(route, view)
    assert clashes == []


def test_the_citizens_inbox_is_reached():
    from benecomune.core.views import citizen

    match = get_resolver().resolve("/area-personale/messaggi/")
    assert match.func is citizen.inbox
