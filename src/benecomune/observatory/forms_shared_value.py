"""Forms of the shared value pages: euro typed as people type them, percentages as text (the
service parses them: at most two decimals, 0-100)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.core.models import Provider
from benecomune.ledger.forms import EuroField
from benecomune.observatory.models import ShareMode, SocialProject

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    description = forms.CharField(label=_("Descrizione"), widget=forms.Textarea(attrs={"rows": 4}))
    target_amount = EuroField(label=_("Obiettivo da raccogliere"))
    beneficiary = forms.ModelChoiceField(
        label=_("Ente beneficiario"),
        queryset=Provider.objects.none(),
        help_text=_("L'ente del terzo settore registrato sulla piattaforma che riceverà i fondi."),
    )
    beneficiary_iban = forms.CharField(
        label=_("IBAN dell'ente beneficiario"),
        max_length=40,
        required=False,
        help_text=_("Serve per erogare i fondi; si può aggiungere più tardi."),
    )
    starts_on = forms.DateField(label=_("Inizio"), widget=_DATE)
    ends_on = forms.DateField(label=_("Fine"), required=False, widget=_DATE)

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["beneficiary"].queryset = providers


class BeneficiaryForm(forms.Form):
    beneficiary = forms.ModelChoiceField(
        label=_("Ente beneficiario"), queryset=Provider.objects.none()
    )
    beneficiary_iban = forms.CharField(
        label=_("IBAN dell'ente beneficiario"),
        max_length=40,
        help_text=_("Il conto su cui il Comune erogherà i fondi raccolti dal progetto."),
    )
    reason = forms.CharField(
        label=_("Motivo della modifica"),
        max_length=500,
        help_text=_("Resta nel registro delle attività con chi ha fatto la modifica e quando."),
    )

    def __init__(self, *args, providers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["beneficiary"].queryset = providers


class AgreementForm(forms.Form):
    merchant = forms.ModelChoiceField(
        label=_("Esercente o fornitore"), queryset=Provider.objects.none()
    )
    project = forms.ModelChoiceField(
        label=_("Progetto"), queryset=SocialProject.objects_unscoped.none()
    )
    mode = forms.ChoiceField(label=_("Modalità"), choices=ShareMode.choices)
    value_public = forms.CharField(
        label=_("Quota sui buoni pubblici"),
        max_length=20,
        initial="0",
        help_text=_("Percentuale (es. 2,5) o importo fisso in euro per pagamento (es. 0,50)."),
    )
    value_corporate = forms.CharField(
        label=_("Quota sul welfare aziendale"), max_length=20, initial="0"
    )
    value_own = forms.CharField(label=_("Quota sul denaro proprio"), max_length=20, initial="0")
    valid_from = forms.DateField(label=_("Valido dal"), widget=_DATE)
    valid_until = forms.DateField(label=_("Valido fino al"), widget=_DATE)

    def __init__(self, *args, merchants=None, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if merchants is not None:
            self.fields["merchant"].queryset = merchants
        if projects is not None:
            self.fields["project"].queryset = projects


class AcceptForm(forms.Form):
    named_publicly = forms.BooleanField(
        label=_("Il nome del mio esercizio può comparire nelle pagine pubbliche del progetto"),
        required=False,
        initial=True,
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del rifiuto"),
        max_length=1000,
        error_messages={"required": _("Indichi il motivo del rifiuto.")},
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il Comune o la rete che ha proposto l'accordo lo legge nel suo elenco."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo del ritiro (facoltativo)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EndForm(forms.Form):
    last_day = forms.DateField(
        label=_("Ultimo giorno dell'accordo"),
        widget=_DATE,
        error_messages={"required": _("Indichi l'ultimo giorno dell'accordo.")},
        help_text=_(
            "Oggi o un giorno successivo: i pagamenti dopo questo giorno non danno più quote "
            "al progetto; le quote già date restano al progetto."
        ),
    )
    reason = forms.CharField(
        label=_("Motivo della chiusura anticipata"),
        max_length=1000,
        error_messages={"required": _("Indichi il motivo della chiusura anticipata.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
