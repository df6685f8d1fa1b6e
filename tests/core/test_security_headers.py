"""Content-Security-Policy and Permissions-Policy on pages and API answers, and templates
that the policy does not break (no inline script, no inline event handler)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

import benecomune

PACKAGE = Path(benecomune.__file__).parent
# A <script> with code in it (not a file, not a JSON data block); an on...= handler.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_pages_send_a_content_security_policy(client, db):
    response = client.get("/")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["img-src"] == "'self' data:"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"


def test_pages_send_a_permissions_policy_with_the_camera_for_the_till(client, db):
    policy = client.get("/").headers["Permissions-Policy"]
    features = dict(part.strip().split("=", 1) for part in policy.split(","))
    assert features["camera"] == "(self)"  # the till reads QR codes with the camera
    for feature in ("microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_error_pages_carry_the_headers_too(client, db):
    response = client.get("/gestione/pagina-inesistente/")
    assert response.status_code in (302, 404)
    assert "Content-Security-Policy" in response.headers


def test_the_api_sends_the_same_policies(api_client, db):
    response = api_client.get("/api/v1/health")
    assert response.headers["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert response.headers["Permissions-Policy"] == settings.PERMISSIONS_POLICY


def test_the_api_documentation_page_works_under_the_policy(api_client, db):
    # Swagger UI is served from static files with its settings in a JSON data block.
    body = api_client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in body
    assert not INLINE_SCRIPT.search(body)


def _templates():
    return sorted(PACKAGE.rglob("templates/**/*.html"))


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_template_has_inline_scripts(path):
    """script-src 'self' refuses inline code: behaviour goes in static files."""
    text = path.read_text()
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to a static file"
    assert not INLINE_HANDLER.search(text), "inline event handler: use a static listener"
