"""Forms of the employee's claims and payroll requests (amounts in euro, parsed to cents)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.corporate import claim_rules
from benecomune.payouts.forms import EuroField


class PlanClaimForm(forms.Form):
    wallet = forms.TypedChoiceField(label=_("Credito del piano"), coerce=int)
    category = forms.ChoiceField(label=_("Tipo di spesa"))
    beneficiary = forms.ChoiceField(
        label=_("Chi ha beneficiato della spesa"), choices=claim_rules.BENEFICIARIES
    )
    beneficiary_fiscal_code = forms.CharField(
        label=_("Codice fiscale del figlio o del familiare"), max_length=16, required=False
    )
    beneficiary_name = forms.CharField(
        label=_("Nome e cognome del familiare"), max_length=200, required=False
    )
    relationship = forms.ChoiceField(
        label=_("Parentela del familiare"),
        choices=[("", "—"), *claim_rules.RELATIONSHIPS],
        required=False,
    )
    expense_date = forms.DateField(
        label=_("Data della spesa"), widget=forms.DateInput(attrs={"type": "date"})
    )
    payee = forms.CharField(label=_("Pagata a"), max_length=200)
    document_type = forms.ChoiceField(label=_("Documento"), choices=claim_rules.DOCUMENT_TYPES)
    document_amount = EuroField(label=_("Importo del documento"))
    amount = EuroField(label=_("Importo da rimborsare"))
    payment_method = forms.ChoiceField(
        label=_("Come ha pagato"), choices=claim_rules.PAYMENT_METHODS
    )
    description = forms.CharField(label=_("Note"), max_length=300, required=False)
    document = forms.FileField(label=_("Documento di spesa (PDF, JPEG o PNG)"), required=False)
    declaration_confirmed = forms.BooleanField(
        label=_(
            "Dichiaro, ai sensi dell'art. 47 del D.P.R. 445/2000, che la spesa è stata "
            "sostenuta da me per l'abitazione in cui vivo (solo per le utenze senza documento)."
        ),
        required=False,
    )

    def __init__(self, *args, wallets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wallet"].choices = [(w.pk, w.title) for w in wallets]
        self.fields["category"].choices = claim_rules.categories_choices()


class PayrollRequestForm(forms.Form):
    wallet = forms.TypedChoiceField(label=_("Credito del piano"), coerce=int)
    fund_name = forms.CharField(label=_("Fondo sanitario o cassa"), max_length=200)
    amount = EuroField(label=_("Importo da versare"))

    def __init__(self, *args, wallets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["wallet"].choices = [(w.pk, w.title) for w in wallets]
