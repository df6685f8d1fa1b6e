"""Forms of the payouts pages. Services validate again; forms only shape the input."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.core.identifiers import normalize_iban, validate_iban
from benecomune.payouts.models import SepaScheme, SettlementPeriod

MAX_RESULT_FILE = 50 * 1024 * 1024


class PayeeAccountForm(forms.Form):
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    holder = forms.CharField(
        label=_("Intestatario del conto"),
        max_length=70,
        help_text=_("Come risulta alla banca: al massimo 70 caratteri."),
    )
    reason = forms.CharField(label=_("Motivo del cambio"), max_length=200, required=False)


class CorrectOrderForm(forms.Form):
    iban = forms.CharField(label=_("Nuovo IBAN"), max_length=42)
    holder = forms.CharField(
        label=_("Intestatario del conto"),
        max_length=70,
        help_text=_("Il beneficiario o un componente del suo nucleo familiare."),
    )
    reason = forms.CharField(label=_("Motivo"), max_length=200, required=False)


class SettingsForm(forms.Form):
    settlement_period = forms.ChoiceField(
        label=_("Periodicità delle note di debito"),
        choices=[("", _("Come la rete (o settimanale)")), *SettlementPeriod.choices],
        required=False,
    )
    debtor_name = forms.CharField(
        label=_("Intestatario del conto di addebito"),
        max_length=70,
        required=False,
        help_text=_(
            "Il conto della piattaforma che riceve il bonifico unico dell'ente, oppure il "
            "conto di tesoreria."
        ),
    )
    debtor_iban = forms.CharField(
        label=_("IBAN del conto di addebito"), max_length=42, required=False
    )
    debtor_bic = forms.CharField(label=_("BIC (facoltativo)"), max_length=11, required=False)
    sepa_scheme = forms.ChoiceField(label=_("Formato dei file SEPA"), choices=SepaScheme.choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PrepareBatchForm(forms.Form):
    execution_date = forms.DateField(
        label=_("Data di esecuzione richiesta alla banca"),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        help_text=_("Vuoto: il primo giorno lavorativo utile."),
    )

    def clean_execution_date(self):
        day = self.cleaned_data.get("execution_date")
        if day and day < timezone.localdate():
            raise forms.ValidationError(_("La data di esecuzione non può essere nel passato."))
        if day and day > timezone.localdate() + datetime.timedelta(days=365):
            raise forms.ValidationError(_("La data è troppo lontana: al massimo un anno."))
        return day


class ResultsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File degli esiti"),
        help_text=_(
            "L'esito pain.002 restituito dalla banca (XML), oppure un CSV con le colonne "
            "riferimento; esito (pagato o respinto); motivo."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RESULT_FILE:
            raise forms.ValidationError(_("Il file è troppo grande (oltre 50 MB)."))
        return upload


class EuroField(forms.CharField):
    """Euro as people type them ("12,50"); `cleaned_data` holds integer cents."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("help_text", _("In euro, ad esempio 45,90"))
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        from benecomune.ledger.money import parse_euro

        value = super().clean(value)
        return parse_euro(value) if value not in (None, "") else None


class ClaimForm(forms.Form):
    category = forms.ChoiceField(label=_("Tipo di spesa"))
    amount = EuroField(label=_("Importo pagato"))
    expense_date = forms.DateField(
        label=_("Data della spesa"), widget=forms.DateInput(attrs={"type": "date"})
    )
    payee = forms.CharField(
        label=_("Pagato a"),
        max_length=200,
        help_text=_("Chi ha ricevuto il pagamento: gestore, proprietario, centro estivo..."),
    )
    description = forms.CharField(
        label=_("Descrizione (facoltativa)"), max_length=300, required=False
    )
    document = forms.FileField(
        label=_("Ricevuta o fattura (PDF, JPEG o PNG)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    self_declared = forms.BooleanField(
        label=_("Non ho la ricevuta: presento un'autocertificazione"), required=False
    )
    declaration = forms.BooleanField(
        label=_(
            "Dichiaro, ai sensi dell'art. 47 del D.P.R. 445/2000, di aver sostenuto la spesa "
            "indicata, consapevole delle sanzioni per le dichiarazioni false."
        ),
        required=False,
    )

    # Asked only when the person has no IBAN yet (see __init__): an accepted claim is paid
    # by bank transfer, and without one it would wait.
    iban = forms.CharField(
        label=_("IBAN del conto su cui ricevere il rimborso"), max_length=42, required=False
    )
    iban_holder = forms.CharField(
        label=_("Intestatario del conto"),
        max_length=70,
        required=False,
        help_text=_("Lei o un componente del suo nucleo familiare."),
    )

    def __init__(self, *args, categories=(), ask_iban=False, holder="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(categories)
        if ask_iban:
            self.fields["iban"].required = self.fields["iban_holder"].required = True
            self.fields["iban_holder"].initial = holder
        else:
            del self.fields["iban"], self.fields["iban_holder"]

    def clean_iban(self):
        iban = normalize_iban(self.cleaned_data["iban"])
        validate_iban(iban)
        return iban


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisione"),
        choices=[
            ("accept", _("Accogli per intero")),
            ("partial", _("Accogli in parte")),
            ("reject", _("Respingi")),
            ("clarify", _("Chiedi un'integrazione")),
        ],
    )
    amount = EuroField(label=_("Importo riconosciuto (se in parte)"), required=False)
    reason = forms.CharField(
        label=_("Motivazione o richiesta al beneficiario"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def decide(self, actor, claim) -> None:
        """Record the valid form's decision through the review services (the call's and the
        company plan's claims alike); a refusal raises ValidationError for the form."""
        from benecomune.payouts.services import claim_review as review

        data = self.cleaned_data
        if data["decision"] == "accept":
            review.accept_claim(actor, claim, reason=data["reason"])
        elif data["decision"] == "partial":
            if not data["amount"]:
                raise forms.ValidationError({"amount": _("Indichi l'importo riconosciuto.")})
            review.accept_claim(actor, claim, amount=data["amount"], reason=data["reason"])
        elif data["decision"] == "reject":
            review.reject_claim(actor, claim, reason=data["reason"])
        else:
            review.request_claim_clarification(actor, claim, question=data["reason"])


class ClarificationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("La sua risposta"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document = forms.FileField(
        label=_("Nuovo documento (facoltativo)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ClaimPolicyForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Spese ammesse (nessuna scelta: tutte)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    self_declaration_categories = forms.MultipleChoiceField(
        label=_("Spese per cui basta l'autocertificazione"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_per_claim = EuroField(label=_("Massimo per richiesta"), required=False)
    max_per_call = EuroField(label=_("Massimo dei rimborsi del bando"), required=False)

    def __init__(self, *args, **kwargs):
        from benecomune.payouts.models import ClaimCategory

        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = ClaimCategory.choices
        self.fields["self_declaration_categories"].choices = ClaimCategory.choices
