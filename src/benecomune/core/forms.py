"""Forms of the core app. Errors are in Italian and say what to do."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from benecomune.core.auth import ThrottledLoginFormMixin
from benecomune.core.identifiers import (
    normalize_fiscal_code,
    normalize_iban,
    parse_fiscal_code,
    validate_iban,
)
from benecomune.core.models import Municipality


class LoginForm(ThrottledLoginFormMixin, AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("E-mail o password non corretti. Controlli e riprovi."),
        "inactive": _("Questo account è disattivato. Si rivolga al suo Comune."),
    }


class TotpForm(forms.Form):
    code = forms.RegexField(
        label=_("Codice di verifica (6 cifre)"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Il codice ha 6 cifre.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class PersonForm(forms.Form):
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=20)
    first_name = forms.CharField(label=_("Nome"), max_length=100)
    last_name = forms.CharField(label=_("Cognome"), max_length=100)
    residence = forms.ModelChoiceField(
        label=_("Comune di residenza"), queryset=Municipality.objects.none()
    )
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)
    email = forms.EmailField(max_length=254, label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence"].queryset = municipalities
        if municipalities is not None and municipalities.count() == 1:
            self.fields["residence"].initial = municipalities.first()

    def clean_fiscal_code(self):
        code = normalize_fiscal_code(self.cleaned_data["fiscal_code"])
        parse_fiscal_code(code)
        return code


class PaymentAccountForm(forms.Form):
    iban = forms.CharField(label=_("IBAN"), max_length=40)
    iban_holder = forms.CharField(label=_("Intestatario del conto"), max_length=200)
    reason = forms.CharField(label=_("Motivo della modifica"), max_length=300, required=False)

    def clean_iban(self):
        iban = normalize_iban(self.cleaned_data["iban"])
        validate_iban(iban)
        return iban


class ContactsForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    address = forms.CharField(label=_("Indirizzo di residenza"), max_length=200, required=False)
    reason = forms.CharField(label=_("Motivo della modifica"), max_length=300, required=False)


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Persona (codice fiscale o cognome)"), required=False)
    actor = forms.CharField(label=_("Chi ha agito (e-mail o nome)"), required=False)
    object = forms.CharField(label=_("Oggetto o azione"), required=False)
    since = forms.DateField(
        label=_("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise ValidationError(_("La data iniziale è successiva a quella finale."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Nome del dispositivo (es. «Cassa 1»)"), max_length=100)


class CitizenTokenForm(forms.Form):
    name = forms.CharField(label=_("Nome dell'app (es. «App sul telefono»)"), max_length=100)
