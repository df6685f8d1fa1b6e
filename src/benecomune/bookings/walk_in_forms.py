"""The counter's form (walk-in booking): the service, the slot, the person by codice fiscale
and, for someone not registered yet, the least data to register them."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.bookings.booking_forms import new_key
from benecomune.bookings.models import ServiceSchedule
from benecomune.core.models import Municipality
from benecomune.marketplace.models import Service


def municipalities_for(provider):
    rows = Municipality.objects.filter(is_active=True)
    if provider.network_id:
        rows = rows.filter(network_id=provider.network_id)
    return rows.order_by("name")


class WalkInForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Servizio"), queryset=Service.objects.none())
    day = forms.DateField(label=_("Giorno"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Orario"), widget=forms.TimeInput(attrs={"type": "time"}))
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=16, min_length=16)
    first_name = forms.CharField(
        label=_("Nome"),
        max_length=100,
        required=False,
        help_text=_("Solo per chi non è ancora registrato."),
    )
    last_name = forms.CharField(
        label=_("Cognome"),
        max_length=100,
        required=False,
        help_text=_("Solo per chi non è ancora registrato."),
    )
    residence = forms.ModelChoiceField(
        label=_("Comune di residenza"),
        queryset=Municipality.objects.none(),
        required=False,
        help_text=_("Solo per chi non è ancora registrato."),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, provider, **kwargs):
        super().__init__(*args, **kwargs)
        scheduled = ServiceSchedule.objects.filter(provider=provider).values("service_id")
        self.fields["service"].queryset = Service.objects.filter(
            provider=provider, pk__in=scheduled
        ).order_by("title")
        self.fields["residence"].queryset = municipalities_for(provider)
        self.fields["key"].initial = new_key()
