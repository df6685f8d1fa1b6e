"""Forms of the ledger pages. Amounts are typed in euro ("1.234,56") and become cents here."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.ledger.models import FundOrigin
from benecomune.ledger.money import parse_euro


class EuroField(forms.CharField):
    """Euro as people type them; `cleaned_data` holds integer cents."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("In euro, ad esempio 1.234,56"))
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        return parse_euro(value) if value not in (None, "") else None


class FundForm(forms.Form):
    name = forms.CharField(label=_("Nome del fondo"), max_length=200)
    origin = forms.ChoiceField(label=_("Origine"), choices=FundOrigin.choices)
    legal_basis = forms.CharField(
        label=_("Base giuridica"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ad esempio: delibera, decreto, convenzione."),
    )
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = forms.DateField(
        label=_("Valido dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valido fino al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("valid_from")
            and data.get("valid_until")
            and (data["valid_until"] < data["valid_from"])
        ):
            self.add_error("valid_until", _("La fine della validità precede l'inizio."))
        return data


class ContributionForm(forms.Form):
    contributor = forms.CharField(
        label=_("Chi versa il contributo"),
        max_length=200,
        help_text=_("Ad esempio: Regione del Veneto, Comune di Limena, Fondazione Cariparo."),
    )
    amount = EuroField(label=_("Importo"))
    memo = forms.CharField(label=_("Causale"), max_length=200, required=False)
    # One key per form shown: submitting twice records the contribution once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", f"contribution:{uuid.uuid4().hex}")
