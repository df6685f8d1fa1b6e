"""Forms of the corporate welfare pages. Money is typed in euro and handed to the services in
integer cents; the services check everything again."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from benecomune.core.staff_forms import CompanyForm
from benecomune.corporate.models import (
    CCNL_CHOICES,
    Delivery,
    EmployeeCategory,
    LegalBasis,
    PlanOrigin,
    ProRata,
    UnspentRule,
)


class EuroField(forms.CharField):
    """An amount in euro ("1.234,50" or "1234.50") as integer cents."""

    def to_python(self, value):
        text = (super().to_python(value) or "").replace("€", "").replace(" ", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                _("Scriva un importo in euro, per esempio 500 o 250,50.")
            ) from None
        if amount != amount.quantize(Decimal("0.01")) or amount < 0:
            raise ValidationError(_("Un importo positivo, con al massimo due decimali."))
        return int(amount * 100)


class ProfileForm(forms.Form):
    ateco_code = forms.CharField(
        label=_("Codice ATECO"), max_length=8, help_text=_("Come 28.29.30.")
    )
    ccnl = forms.ChoiceField(label=_("CCNL applicato"), choices=[("", "—"), *CCNL_CHOICES])
    ccnl_other = forms.CharField(
        label=_("Altro CCNL"), max_length=200, required=False, help_text=_("Se ha scelto «Altro».")
    )


class JoinForm(CompanyForm, ProfileForm):
    """The network admin adds a company to the network, and invites its first HR admin."""

    hr_admin_name = forms.CharField(
        label=_("Nome e cognome del responsabile del personale"), max_length=200, required=False
    )
    hr_admin_email = forms.EmailField(
        max_length=254,
        label=_("E-mail del responsabile del personale"),
        required=False,
        help_text=_("Riceverà l'invito come amministratore dell'ufficio personale."),
    )


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Elenco dei dipendenti (CSV o XLSX)"),
        help_text=_("Una riga per dipendente, con le colonne del modello."),
    )
    complete = forms.BooleanField(
        label=_("Questo file è l'elenco completo"),
        required=False,
        help_text=_("Chi non è nel file risulterà cessato da oggi."),
    )


class EmployeeFilterForm(forms.Form):
    q = forms.CharField(label=_("Nome, matricola o codice fiscale"), required=False)
    category = forms.ChoiceField(
        label=_("Categoria"), choices=[("", _("Tutte")), *EmployeeCategory.choices], required=False
    )
    site = forms.CharField(label=_("Sede"), required=False)
    status = forms.ChoiceField(
        label=_("Stato"),
        choices=[("", _("Tutti")), ("active", _("In servizio")), ("left", _("Cessati"))],
        required=False,
    )
    group = forms.TypedChoiceField(
        label=_("Gruppo di un piano approvato"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [
            ("", _("Tutti")),
            *((g.pk, f"{g.version.plan.name}: {g.name}") for g in groups),
        ]


class VersionForm(forms.Form):
    starts_on = forms.DateField(
        label=_("Inizio del periodo"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Il periodo dura 12 mesi da questo giorno."),
    )
    origin = forms.ChoiceField(label=_("Origine"), choices=PlanOrigin.choices)
    binding = forms.BooleanField(
        label=_("Obbligatorio (da contratto o regolamento vincolante)"),
        required=False,
        initial=True,
        help_text=_(
            "Obbligatorio: costo deducibile per intero (art. 95 TUIR); volontario: nel limite "
            "del 5 per mille (art. 100 TUIR)."
        ),
    )
    pro_rata = forms.ChoiceField(label=_("Assunti e cessati nel periodo"), choices=ProRata.choices)
    unspent = forms.ChoiceField(label=_("Credito non speso"), choices=UnspentRule.choices)
    notes = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class PlanForm(VersionForm):
    name = forms.CharField(label=_("Nome del piano"), max_length=200)
    field_order = ["name"]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Nome del gruppo"), max_length=120)
    category = forms.ChoiceField(
        label=_("Categoria"), choices=[("", _("Tutte")), *EmployeeCategory.choices], required=False
    )
    level = forms.CharField(label=_("Livello"), max_length=30, required=False)
    site = forms.CharField(label=_("Sede"), max_length=100, required=False)
    min_seniority_months = forms.IntegerField(
        label=_("Anzianità minima (mesi)"), min_value=1, max_value=600, required=False
    )
    credit = EuroField(label=_("Credito annuo (euro)"))


class RuleForm(forms.Form):
    legal_basis = forms.ModelChoiceField(
        label=_("Base normativa"),
        queryset=LegalBasis.objects.filter(is_active=True),
        to_field_name="code",
    )
    delivery = forms.ChoiceField(label=_("Modalità"), choices=Delivery.choices)
    limit = EuroField(label=_("Limite per dipendente (euro)"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), max_length=500)


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché chiude il piano"),
        min_length=5,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Da 5 a 300 caratteri; resta nel registro delle attività."),
        error_messages={
            "required": _("Scriva perché chiude il piano: senza motivo il piano resta in vigore."),
            "min_length": _("Descriva il motivo in almeno 5 caratteri."),
            "max_length": _("Il motivo può avere al massimo 300 caratteri."),
        },
    )


class ChildForm(forms.Form):
    full_name = forms.CharField(label=_("Nome e cognome del figlio"), max_length=200)
    fiscal_code = forms.CharField(label=_("Codice fiscale del figlio"), max_length=20)
    tax_year = forms.IntegerField(label=_("Anno d'imposta"), min_value=2000, max_value=2100)


class FringeForm(forms.Form):
    amount = EuroField(label=_("Importo (euro)"))
    source = forms.CharField(label=_("Da chi (datore di lavoro o ente)"), max_length=200)
    received_on = forms.DateField(
        label=_("Ricevuto il"), widget=forms.DateInput(attrs={"type": "date"})
    )
