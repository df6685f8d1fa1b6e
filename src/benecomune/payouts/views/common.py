"""Helpers shared by the payouts pages (the shared ones from core, under their old names)."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from benecomune.core.forms_helpers import add_errors, querystring

__all__ = ["add_errors", "querystring", "save_form"]


def save_form(request, form, save, success: str) -> bool:
    """On a valid POST, `save(**form.cleaned_data)`: True (and `success` shown) when it
    saved, False with the service's errors on the form otherwise."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save(**form.cleaned_data)
    except ValidationError as exc:
        add_errors(form, exc)
        return False
    messages.success(request, success)
    return True
