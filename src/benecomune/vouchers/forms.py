"""Forms of the voucher pages. Amounts are typed in euro and become cents (EuroField)."""

import datetime
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.core.forms_helpers import consent_field
from benecomune.core.models import MerchantCategory, Municipality
from benecomune.ledger.forms import EuroField

POINTS_HELP = _(
    "Uno per riga: «nome - indirizzo», oppure solo l'indirizzo. Per esempio: "
    "«Negozio del centro - Via Roma 1, Piazzola sul Brenta»."
)


class MembershipFields(forms.Form):
    """What a shop declares to join a circuit (validated again by the service)."""

    category = forms.ChoiceField(label=_("Categoria"), choices=MerchantCategory.choices)
    vat_number = forms.CharField(label=_("Partita IVA"), max_length=20)
    iban = forms.CharField(
        label=_("IBAN per i rimborsi"),
        max_length=42,
        help_text=_("Il conto su cui il Comune rimborsa i buoni incassati."),
    )
    iban_holder = forms.CharField(label=_("Intestatario del conto"), max_length=200)
    address = forms.CharField(label=_("Indirizzo della sede"), max_length=200)
    municipality = forms.ModelChoiceField(
        label=_("Comune della sede"), queryset=Municipality.objects.none()
    )
    points_of_sale = forms.CharField(
        label=_("Punti vendita"), widget=forms.Textarea(attrs={"rows": 3}), help_text=POINTS_HELP
    )
    contact_name = forms.CharField(label=_("Referente"), max_length=200)
    contact_phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities or Municipality.objects.none()
        for name in ("vat_number", "iban"):
            self.fields[name].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})


class JoinForm(MembershipFields):
    circuit = forms.ChoiceField(label=_("Circuito"))
    contact_email = forms.EmailField(max_length=254, label=_("E-mail del referente"))
    field_order = ["circuit", "category", "vat_number", "iban", "iban_holder", "address"]

    def __init__(self, *args, circuits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circuit"].choices = [(str(o.pk), o.name) for o in circuits]


class SignupForm(MembershipFields):
    name = forms.CharField(label=_("Nome del negozio"), max_length=200)
    email = forms.EmailField(
        max_length=254,
        label=_("E-mail del referente"),
        help_text=_("Riceverà qui il collegamento per scegliere la password."),
    )
    circuit = forms.ChoiceField(label=_("Circuito a cui aderire"))
    accept_privacy = forms.BooleanField(
        label=_("Ho letto l'informativa sulla privacy e la convenzione del circuito.")
    )
    # Left empty by people; filled by bots (hidden from view and from screen readers).
    website = forms.CharField(required=False, widget=forms.HiddenInput)
    field_order = ["name", "municipality", "circuit", "category", "vat_number", "address"]

    def __init__(self, *args, circuits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["circuit"].choices = [(str(o.pk), o.name) for o in circuits]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class StaffInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Nome e cognome"), max_length=200)
    email = forms.EmailField(max_length=254, label=_("E-mail"))


class TillCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Codice del buono"),
        max_length=120,
        help_text=_("Inquadri il QR, o digiti le 8 cifre del codice o le 12 della tessera."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters"}
        ),
    )
    pin = forms.CharField(
        label=_("PIN della tessera"),
        required=False,
        max_length=6,
        help_text=_("Solo per le tessere stampate: lo digita il titolare."),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class TillAmountForm(forms.Form):
    amount = EuroField(label=_("Importo della spesa"))
    context = forms.CharField(widget=forms.HiddenInput, max_length=500)
    # One key per form shown: a double tap on «Incassa» charges once.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update({"autofocus": True})
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", f"till-{uuid.uuid4().hex}")


class CardForm(forms.Form):
    pin = forms.CharField(
        label=_("PIN scelto (facoltativo)"),
        required=False,
        max_length=6,
        help_text=_("Da 4 a 6 cifre. Se lo lascia vuoto, lo sceglie la piattaforma."),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )
    pin_again = forms.CharField(
        label=_("Ripeta il PIN"),
        required=False,
        max_length=6,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if (data.get("pin") or "") != (data.get("pin_again") or ""):
            self.add_error("pin_again", _("I due PIN non coincidono."))
        return data


# A report's day must have a day before and after it: 0001-01-01 or 9999-12-31 typed in the
# address made the period's bounds overflow (a 500).
FIRST_DAY, LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2999, 12, 31)


class PeriodForm(forms.Form):
    dal = forms.DateField(
        label=_("Dal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    al = forms.DateField(
        label=_("Al"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def _day(self, name):
        day = self.cleaned_data.get(name)
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise forms.ValidationError(_("Data non valida: la scelga dal calendario."))
        return day

    def clean_dal(self):
        return self._day("dal")

    def clean_al(self):
        return self._day("al")


class TakingsPeriodForm(PeriodForm):
    """The shop's "Incassi": a missing day defaults to today (or to the other day given); a
    period of at most `max_days`."""

    max_days = 366

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        start, end = data.get("dal"), data.get("al")
        if start is None:
            start = min(end, today) if end else today
        if end is None:
            end = max(start, today)
        if start > end:
            raise forms.ValidationError(_("La data «dal» è successiva alla data «al»."))
        if (end - start).days >= self.max_days:
            raise forms.ValidationError(
                _("Scelga un periodo di al massimo %(n)s giorni.") % {"n": self.max_days}
            )
        data["dal"], data["al"] = start, end
        return data


class DeskCardForm(CardForm):
    """The card printed by an operator for the holder: how the holder consented, unless a
    delegation to print voucher cards covers it."""

    consent_note = consent_field(
        required=False,
        help_text=_(
            "Per esempio: di persona, documento d'identità verificato. Non serve se la persona "
            "ha dato una delega valida per le tessere."
        ),
    )
