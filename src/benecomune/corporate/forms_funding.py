"""Forms of plan funding and of the productivity bonus. Amounts are typed in euro and cleaned
to integer cents (the ledger's EuroField)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.corporate.models import FundingKind
from benecomune.ledger.forms import EuroField


class FundingRequestForm(forms.Form):
    schedule = forms.ChoiceField(
        label=_("Come versa l'azienda"), choices=FundingKind.choices, initial=FundingKind.SINGLE
    )


class PaymentForm(forms.Form):
    request = forms.TypedChoiceField(label=_("Richiesta (causale)"), coerce=int)
    amount = EuroField(label=_("Importo accreditato"))
    received_on = forms.DateField(
        label=_("Data di accredito"),
        initial=datetime.date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    bank_reference = forms.CharField(label=_("Riferimento del bonifico (CRO/TRN)"), max_length=60)

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].choices = [(r.pk, str(r.reference)) for r in requests]


class BonusForm(forms.Form):
    employee_number = forms.CharField(label=_("Matricola"), max_length=30)
    year = forms.IntegerField(label=_("Anno del premio"), min_value=2000, max_value=2100)
    amount = EuroField(label=_("Premio di risultato"))


class ConversionForm(forms.Form):
    amount = EuroField(label=_("Quanto vuole convertire in credito welfare"))
    income_declared = forms.BooleanField(
        label=_(
            "Dichiaro che il mio reddito da lavoro dipendente dell'anno precedente il premio "
            "non ha superato il limite indicato"
        ),
        required=False,
    )


class BonusImportForm(forms.Form):
    file = forms.FileField(
        label=_("File CSV o XLSX"),
        help_text=_("Colonne: matricola, anno, importo (in euro, per esempio 1.500,00)."),
    )
