"""The privacy notice (informativa, GDPR art. 13) shown to the person at intake, by version:
each consent records the version it was given on. A new text is a new version here and in
templates/desk/informativa/<version>.html; old versions stay, for the consents given on them."""

INFORMATIVA_VERSION = "2026-1"
VERSIONS = ("2026-1",)


def template_for(version: str = INFORMATIVA_VERSION) -> str:
    return f"desk/informativa/{version}.html"
