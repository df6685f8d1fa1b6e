"""Forms of the bookings' pages: for whom (the citizen or a household member) and the form's
key; the priced services add the orders' CheckoutForm (its key is the booking's too)."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _


def person_field(people) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Per chi prenota"),
        choices=[(p.pk, p.full_name) for p in people],
        coerce=int,
        initial=people[0].pk,
    )


def new_key() -> str:
    return uuid.uuid4().hex


class WhoForm(forms.Form):
    """For whom (prefix "chi"); the form's key is a hidden field `key` (the checkout's own
    for a priced service)."""

    def __init__(self, *args, people, desk=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = person_field(people)
        if desk:
            self.fields["consent_note"] = forms.CharField(
                label=_("Come ha dato il consenso"),
                max_length=200,
                required=False,
                help_text=_("Per esempio: di persona, con documento d'identità."),
            )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=300,
        required=False,
        help_text=_("Lo leggerà chi ha prenotato."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RescheduleForm(forms.Form):
    day = forms.DateField(label=_("Nuovo giorno"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Nuovo orario"), widget=forms.TimeInput(attrs={"type": "time"}))
