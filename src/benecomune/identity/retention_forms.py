from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.identity.models import RetentionCategory


class RetentionPeriodsForm(forms.Form):
    """One number of years per category."""

    def __init__(self, *args, years: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for category in RetentionCategory:
            self.fields[category.value] = forms.IntegerField(
                label=category.label,
                min_value=1,
                max_value=50,
                initial=years[category.value],
                error_messages={
                    "required": _("Indichi un numero di anni tra 1 e 50."),
                    "min_value": _("Indichi un numero di anni tra 1 e 50."),
                    "max_value": _("Indichi un numero di anni tra 1 e 50."),
                    "invalid": _("Indichi un numero di anni tra 1 e 50."),
                },
            )
