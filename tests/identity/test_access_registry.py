"""A new staff page showing a person's data cannot forget the access log: every /gestione/
page naming a person, an application, a claim, a household or a file is either logged
(identity.access_points.POINTS) or exempt with a reason (EXEMPT)."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

from benecomune.core.files import FILE_KINDS as CORE_FILE_KINDS
from benecomune.identity.access_points import EXEMPT, EXEMPT_FILE_KINDS, FILE_KINDS, POINTS

# Route pieces that name whose data a page is about.
PERSONAL = re.compile(
    r"(persone|persona|nuclei|domande|rimborsi|messaggi|buoni|ordini|richieste|casi|file)/<(int|slug):(pk|person_pk|kind)>"
)


def _routes(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + str(pattern.pattern), namespace + pattern.name


def personal_routes() -> dict[str, str]:
    return {
        name: route
        for route, name in _routes(get_resolver().url_patterns)
        if route.startswith("gestione/") and PERSONAL.search(route)
    }


def test_every_personal_staff_page_is_logged_or_exempt():
    routes = personal_routes()
    assert "core:person_detail" in routes and "calls:review_detail" in routes  # the rule works
    missing = sorted(name for name in routes if name not in POINTS and name not in EXEMPT)
    assert not missing, f"add to identity/access_points.py POINTS or EXEMPT: {missing}"


def test_registry_names_real_pages_only():
    names = {name for _route, name in _routes(get_resolver().url_patterns)}
    assert not (set(POINTS) - names)
    assert not (set(EXEMPT) - names)
    assert not (set(POINTS) & set(EXEMPT))


def test_every_file_kind_is_logged_or_exempt():
    # Only kinds staff can open: a citizen-only kind (their own export) is never staff's view.
    kinds = {kind for kind, entry in CORE_FILE_KINDS.items() if entry.staff is not None}
    missing = sorted(kinds - set(FILE_KINDS) - set(EXEMPT_FILE_KINDS))
    assert not missing, f"add to access_points.FILE_KINDS or EXEMPT_FILE_KINDS: {missing}"
    assert not (set(FILE_KINDS) - kinds)
