"""schema.org structured data as a JSON-LD script, safe to put in a page: `<`, `>` and `&` are
escaped as Django's `json_script` does, so no text of a shop or a service can close the
script or open markup. Used by the district's and the catalogue's public pages."""

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# As django.utils.html.json_script: no "</script>" or markup can leave the JSON.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    payload = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    # Safe: every "<", ">" and "&" is escaped above, so the text cannot close the script.
    safe = mark_safe(payload)  # noqa: S308
    return format_html('<script type="application/ld+json">{}</script>', safe)
