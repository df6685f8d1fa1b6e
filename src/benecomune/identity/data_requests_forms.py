from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.identity.models import DataRequestKind, DataRequestStatus


class DataRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Che cosa chiede"),
        choices=DataRequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Scelga se chiede una rettifica o una cancellazione."),
            "invalid_choice": _("Scelga se chiede una rettifica o una cancellazione."),
        },
    )
    text = forms.CharField(
        label=_("Descriva la richiesta"),
        help_text=_(
            "Quali dati vanno corretti e come, oppure quali dati chiede di cancellare e perché."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        error_messages={"required": _("Descriva che cosa chiede.")},
    )


class CloseRequestForm(forms.Form):
    outcome = forms.CharField(
        label=_("Esito o motivo"),
        help_text=_("La persona lo riceve: che cosa è stato corretto o cancellato, o perché no."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutte")), ("open", _("Da evadere")), *DataRequestStatus.choices],
    )
