"""The "from ... to ..." dates of a list's filters: an optional date input each, and the check
that the first is not after the last (the outbox page; the audit page's form could use it)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def date_input(label) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def check_date_range(data: dict, first: str, last: str) -> None:
    """A form's `clean()`: the Italian error when the range is upside down."""
    if data.get(first) and data.get(last) and data[first] > data[last]:
        raise ValidationError(_("La data iniziale è successiva a quella finale."))
