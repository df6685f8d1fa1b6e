"""Forms of the access log: the reason asked before opening a file outside one's worklist,
and the data protection contact's search."""

from django import forms
from django.utils.translation import gettext_lazy as _

KIND_LABELS = {
    "person": _("Scheda della persona"),
    "payment_data": _("Dati di pagamento"),
    "household": _("Nucleo familiare"),
    "application": _("Domanda"),
    "claim": _("Richiesta di rimborso"),
    "wallet": _("Borsellino e tessera"),
    "conversation": _("Conversazione"),
    "document": _("Documento"),
    "payment_order": _("Ordine di pagamento"),
    "data_request": _("Richiesta sui dati personali"),
    "welfare_case": _("Caso del Punto Welfare"),
}


class AccessReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo dell'accesso"),
        min_length=5,
        max_length=300,
        help_text=_(
            "Per esempio: assistenza allo sportello richiesta dal cittadino, verifica d'ufficio "
            "su segnalazione n. …"
        ),
        error_messages={
            "required": _("Indichi il motivo per cui apre la scheda."),
            "min_length": _("Descriva il motivo in almeno 5 caratteri."),
        },
    )


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(label=_("Persona (codice fiscale o cognome)"), required=False)
    viewer = forms.CharField(label=_("Chi ha consultato (e-mail o nome)"), required=False)
    kind = forms.ChoiceField(
        label=_("Che cosa"),
        required=False,
        choices=[("", _("Tutto")), *KIND_LABELS.items()],
    )
    since = forms.DateField(
        label=_("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("La data di inizio è successiva a quella di fine."))
        return data
