"""Forms of the onboarding and staff pages. They only shape the input: the services in
core.services.onboarding and core.services.staff check everything and say what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.core.models import MerchantCategory, Municipality, ProviderKind

SLUG_HELP = _(
    "Lettere minuscole, cifre e trattini: diventa l'indirizzo della pagina pubblica "
    "(per esempio /piazzola-sul-brenta/). Se lo lascia vuoto lo ricaviamo dal nome."
)
# Django's own message speaks of a "slug" and uses "tu".
SLUG_INVALID = _(
    "L'indirizzo breve può contenere solo lettere senza accenti, cifre e trattini, senza "
    "spazi: ad esempio piazzola-sul-brenta."
)


def short_address_field():
    return forms.SlugField(
        label=_("Indirizzo breve"),
        max_length=80,
        required=False,
        help_text=SLUG_HELP,
        error_messages={"invalid": SLUG_INVALID},
    )


class MunicipalityContactsForm(forms.Form):
    email = forms.EmailField(
        max_length=254, label=_("E-mail dell'ufficio servizi sociali"), required=False
    )
    phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    address = forms.CharField(label=_("Indirizzo della sede"), max_length=200, required=False)
    pec = forms.EmailField(max_length=254, label=_("PEC"), required=False)
    treasury_iban = forms.CharField(
        label=_("IBAN della tesoreria"),
        max_length=40,
        required=False,
        help_text=_("Il conto su cui il Comune riceve i fondi (tesoreria comunale)."),
    )
    logo = forms.FileField(
        label=_("Stemma o logo (PNG o JPEG, al massimo 1 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )


class MunicipalityForm(MunicipalityContactsForm):
    name = forms.CharField(label=_("Nome del Comune"), max_length=200)
    istat_code = forms.CharField(
        label=_("Codice ISTAT"),
        max_length=6,
        help_text=_("6 cifre, dall'elenco ISTAT dei Comuni (per esempio 028063)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    slug = short_address_field()

    field_order = ["name", "istat_code", "slug", "email", "pec", "phone", "address"]


class CompanyForm(forms.Form):
    name = forms.CharField(label=_("Ragione sociale"), max_length=200)
    vat_number = forms.CharField(label=_("Partita IVA"), max_length=13)
    slug = short_address_field()
    email = forms.EmailField(max_length=254, label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Telefono"), max_length=30, required=False)
    address = forms.CharField(label=_("Indirizzo"), max_length=200, required=False)


class ProviderForm(CompanyForm):
    provider_kind = forms.ChoiceField(label=_("Tipo"), choices=ProviderKind.choices)
    category = forms.ChoiceField(
        label=_("Categoria"), choices=MerchantCategory.choices, initial=MerchantCategory.OTHER
    )
    municipality = forms.ModelChoiceField(
        label=_("Comune della sede"), queryset=Municipality.objects.none(), required=False
    )

    field_order = ["name", "provider_kind", "category", "vat_number", "municipality"]

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["municipality"].queryset = municipalities


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Nome e cognome"), max_length=200)
    email = forms.EmailField(
        max_length=254,
        label=_("E-mail"),
        error_messages={"invalid": _("Indirizzo e-mail non valido: lo controlli.")},
    )
    role = forms.ChoiceField(
        label=_("Ruolo"),
        error_messages={"invalid_choice": _("Scelga uno dei ruoli dell'elenco.")},
    )

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list(roles)
        if len(roles) == 1:
            self.fields["role"].initial = roles[0][0]


class AcceptInvitationForm(forms.Form):
    """A new password (twice), or the current one when the address already has an account."""

    password = forms.CharField(
        label=_("Scelga una password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Almeno 10 caratteri; non usi una password che usa altrove."),
    )
    password2 = forms.CharField(
        label=_("Ripeta la password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, existing_account=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_account = existing_account
        if existing_account:
            del self.fields["password2"]
            self.fields["password"].label = _("La password del suo account")
            self.fields["password"].help_text = ""
            self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        data = super().clean()
        if (
            not self.existing_account
            and data.get("password")
            and data.get("password2") is not None
            and data["password"] != data["password2"]
        ):
            self.add_error("password2", _("Le due password non coincidono."))
        return data
