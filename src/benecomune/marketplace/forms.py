"""The marketplace's forms: they only collect input; the services check it (and say what is
wrong in Italian), so a form never holds a rule of its own beyond field types."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.core.models import Municipality
from benecomune.marketplace.models import (
    Delivery,
    ImageKind,
    PayerKind,
    PriceKind,
    PriceUnit,
    PublicationStatus,
    RequirementGroup,
    ServiceArea,
    ServiceType,
    StaffRole,
    TargetGroup,
    UserArea,
)
from benecomune.marketplace.models.catalogue import ART51_CHOICES
from benecomune.marketplace.services.signup import SIGNUP_KINDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProfileForm(forms.Form):
    fiscal_code = forms.CharField(
        label=_("Codice fiscale dell'ente"), max_length=20, required=False
    )
    register_number = forms.CharField(
        label=_("Numero di iscrizione al RUNTS o all'Albo delle cooperative"),
        max_length=40,
        required=False,
        help_text=_("Obbligatorio per cooperative sociali e associazioni."),
    )
    iban = forms.CharField(label=_("IBAN"), max_length=40, required=False)
    iban_holder = forms.CharField(label=_("Intestatario del conto"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Descrizione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Testo semplice: i servizi offerti, a chi, dove. Al massimo 4000 caratteri."),
    )
    website = forms.CharField(label=_("Sito web"), max_length=200, required=False)
    contact_name = forms.CharField(label=_("Referente"), max_length=200, required=False)
    contact_email = forms.CharField(label=_("E-mail del referente"), max_length=254, required=False)
    contact_phone = forms.CharField(
        label=_("Telefono del referente"), max_length=30, required=False
    )
    service_points = forms.CharField(
        label=_("Punti di servizio"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Uno per riga: nome e indirizzo."),
    )
    municipalities_served = forms.ModelMultipleChoiceField(
        label=_("Comuni serviti"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sells_services = forms.BooleanField(
        label=_("Offre servizi sul mercato della rete"), required=False
    )
    publication = forms.ChoiceField(label=_("Pubblicazione"), choices=PublicationStatus.choices)

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["municipalities_served"].queryset = municipalities


class ImageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Tipo"), choices=ImageKind.choices)
    image = forms.FileField(label=_("Immagine (PNG o JPEG, al massimo 5 MB)"))
    alt_text = forms.CharField(
        label=_("Descrizione dell'immagine"),
        max_length=200,
        required=False,
        help_text=_("Per chi non vede l'immagine; obbligatoria per le foto."),
    )


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Ruolo"), choices=StaffRole.choices)


class SignupForm(forms.Form):
    name = forms.CharField(
        label=_("Denominazione"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    provider_kind = forms.ChoiceField(
        label=_("Tipo di fornitore"),
        choices=[(k.value, k.label) for k in SIGNUP_KINDS],
    )
    vat_number = forms.CharField(
        label=_("Partita IVA"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("11 cifre."),
    )
    fiscal_code = forms.CharField(
        label=_("Codice fiscale dell'ente"),
        max_length=20,
        help_text=_(
            "11 cifre (spesso uguale alla partita IVA) o 16 caratteri per un professionista."
        ),
    )
    register_number = forms.CharField(
        label=_("Numero di iscrizione al RUNTS o all'Albo delle cooperative"),
        max_length=40,
        required=False,
        help_text=_("Obbligatorio per cooperative sociali e associazioni."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Comune della sede"),
        queryset=Municipality.objects.none(),
        empty_label=_("Scelga il Comune"),
    )
    address = forms.CharField(
        label=_("Indirizzo della sede"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    description = forms.CharField(
        label=_("Descrizione dei servizi"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    contact_name = forms.CharField(
        label=_("Nome e cognome di chi fa la richiesta"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Qui arriverà l'esito della richiesta."),
    )
    phone = forms.CharField(
        label=_("Telefono"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    # A field people never see: bots fill it in.
    website = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["municipality"].queryset = municipalities


class DecisionForm(forms.Form):
    """A sign-up's decision: the reason only for a refusal."""

    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Serve solo per respingere: sarà inviata per e-mail a chi ha fatto la richiesta."
        ),
    )


class ReviewDecisionForm(forms.Form):
    """An accreditation's decision: the reason for rejecting, suspending or revoking."""

    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Serve per respingere, sospendere o revocare: sarà inviata per e-mail al fornitore."
        ),
    )


class DraftForm(forms.Form):
    area = forms.ChoiceField(label=_("Area di servizio"), choices=ServiceArea.choices)


class EvidenceForm(forms.Form):
    requirement = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("Documento (PDF, JPEG o PNG, al massimo 10 MB)"))
    issued_on = forms.DateField(label=_("Rilasciato il"), required=False, widget=DATE)
    expires_on = forms.DateField(label=_("Scade il"), required=False, widget=DATE)


class RequirementForm(forms.Form):
    group = forms.ChoiceField(label=_("Gruppo di requisiti"), choices=RequirementGroup.choices)
    title = forms.CharField(label=_("Documento"), max_length=200)
    description = forms.CharField(
        label=_("Spiegazione"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    areas = forms.MultipleChoiceField(
        label=_("Aree di servizio (nessuna: tutte)"),
        choices=ServiceArea.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required = forms.BooleanField(label=_("Obbligatorio"), required=False, initial=True)
    needs_expiry = forms.BooleanField(label=_("Ha una scadenza"), required=False)


# --- the catalogue ------------------------------------------------------------------------------

BLANK = [("", "—")]


class ServiceForm(forms.Form):
    """A service of the catalogue: the price is typed as people write it ("12,50")."""

    title = forms.CharField(label=_("Titolo"), max_length=200)
    description = forms.CharField(
        label=_("Descrizione"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Testo semplice: cosa comprende, per chi, come si prenota."),
    )
    user_area = forms.ChoiceField(label=_("Area di utenza"), choices=BLANK + UserArea.choices)
    service_type = forms.ChoiceField(
        label=_("Tipo di servizio"), choices=BLANK + ServiceType.choices
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Destinatari"),
        choices=TargetGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    price_kind = forms.ChoiceField(
        label=_("Prezzo"), choices=PriceKind.choices, widget=forms.RadioSelect
    )
    price = forms.CharField(
        label=_("Importo in euro"),
        max_length=20,
        required=False,
        help_text=_("Ad esempio 12,50. Solo per i servizi a pagamento."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    price_unit = forms.ChoiceField(
        label=_("Il prezzo è"), choices=BLANK + PriceUnit.choices, required=False
    )
    vat_note = forms.CharField(
        label=_("Nota IVA"),
        max_length=200,
        required=False,
        help_text=_("Ad esempio: esente IVA art. 10 DPR 633/72."),
    )
    duration_minutes = forms.CharField(
        label=_("Durata in minuti"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    delivery = forms.ChoiceField(
        label=_("Modalità"), choices=Delivery.choices, widget=forms.RadioSelect
    )
    municipalities_served = forms.ModelMultipleChoiceField(
        label=_("Comuni serviti"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Per i servizi a domicilio: i Comuni in cui si svolgono."),
    )
    payable_by = forms.MultipleChoiceField(
        label=_("Si può pagare con"),
        choices=PayerKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    art51_category = forms.ChoiceField(
        label=_("Categoria dell'art. 51 TUIR (welfare aziendale)"),
        choices=BLANK + ART51_CHOICES,
        required=False,
    )
    accreditation_area = forms.ChoiceField(
        label=_("Area di accreditamento (UNI/PdR 58)"),
        choices=BLANK + ServiceArea.choices,
        required=False,
        help_text=_("Necessaria per i contributi dei Comuni e il welfare aziendale."),
    )

    def __init__(self, *args, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if municipalities is not None:
            self.fields["municipalities_served"].queryset = municipalities


class VariantForm(forms.Form):
    label = forms.CharField(label=_("Nome della variante"), max_length=120)
    price = forms.CharField(
        label=_("Prezzo in euro"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    sessions = forms.CharField(
        label=_("Numero di incontri"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class PhotoForm(forms.Form):
    image = forms.FileField(label=_("Foto (PNG o JPEG, al massimo 5 MB)"))
    alt_text = forms.CharField(
        label=_("Descrizione della foto"),
        max_length=200,
        help_text=_("Per chi non vede l'immagine."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File CSV o XLSX"))
