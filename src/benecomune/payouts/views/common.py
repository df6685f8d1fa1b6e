"""Helpers shared by the payouts pages (the shared ones from core, under their old names)."""

from benecomune.core.forms_helpers import add_errors, querystring

__all__ = ["add_errors", "querystring"]
