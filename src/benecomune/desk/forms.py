"""Forms of the desk pages. The services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.desk.models import (
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    NeedArea,
    Outcome,
    Source,
    Urgency,
    WelfarePoint,
)
from benecomune.desk.services.points import POINT_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PointForm(forms.ModelForm):
    class Meta:
        model = WelfarePoint
        fields = POINT_FIELDS
        widgets = {
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "services": forms.Textarea(attrs={"rows": 3}),
            "accessibility": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities

    def _post_clean(self):
        # The organisation is set by the service: the model's own checks run there.
        pass


class OperatorForm(forms.Form):
    membership = forms.ModelChoiceField(
        label=_("Persona del personale"),
        queryset=None,
        help_text=_(
            "Il personale con un ruolo del Punto Welfare: lo inviti prima dalla pagina Personale."
        ),
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = memberships
        field.label_from_instance = lambda m: f"{m.user.full_name} — {m.get_role_display()}"


def need_choices():
    areas = NeedArea.objects.prefetch_related("needs").order_by("position")
    # Grouped by area (headings on the page): the same need ("assistenza domiciliare") may sit
    # under more than one area, each its own row.
    return [
        (area.name, [(n.pk, n.name) for n in area.needs.all() if n.is_active])
        for area in areas
        if any(n.is_active for n in area.needs.all())
    ]


class IntakeForm(forms.Form):
    fiscal_code = forms.CharField(
        label=_("Codice fiscale"),
        max_length=20,
        required=False,
        help_text=_("Se la persona è già registrata bastano questi 16 caratteri."),
    )
    first_name = forms.CharField(label=_("Nome"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Cognome"), max_length=100, required=False)
    residence = forms.ModelChoiceField(
        label=_("Comune di residenza"),
        queryset=None,
        required=False,
        help_text=_("Per chi non è ancora registrato."),
    )
    anonymous_label = forms.CharField(
        label=_("Contatto anonimo: come riconoscerlo"),
        max_length=120,
        required=False,
        help_text=_(
            "Solo se la persona non vuole dare il codice fiscale. Per esempio: «signora, "
            "circa 70 anni, via Roma»."
        ),
    )
    anonymous_contact = forms.CharField(
        label=_("Recapito del contatto anonimo"), max_length=120, required=False
    )
    needs = forms.TypedMultipleChoiceField(
        label=_("Bisogni"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(label=_("Urgenza"), choices=Urgency.choices, initial="normal")
    source = forms.ChoiceField(label=_("Provenienza"), choices=[("", "—"), *Source.choices])
    summary = forms.CharField(
        label=_("Sintesi della richiesta"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    next_review_on = forms.DateField(label=_("Prossima verifica"), required=False, widget=DATE)
    consents = forms.MultipleChoiceField(
        label=_("Consensi dati dalla persona"),
        choices=ConsentPurpose.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_method = forms.ChoiceField(
        label=_("Come ha accettato"),
        choices=[("", "—"), *ConsentMethod.choices],
        required=False,
    )
    consent_note = forms.CharField(
        label=_("Nota sul consenso"),
        max_length=200,
        required=False,
        help_text=_("Per esempio: documento d'identità visto, modulo firmato n. 12."),
    )
    informativa_shown = forms.BooleanField(
        label=_("Ho consegnato o letto l'informativa sul trattamento dei dati"), required=False
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence"].queryset = municipalities
        self.fields["needs"].choices = need_choices()

    def clean(self):
        data = super().clean()
        if data.get("consents") and not data.get("informativa_shown"):
            self.add_error(
                "informativa_shown",
                _("Prima di registrare un consenso, mostri l'informativa alla persona."),
            )
        return data


class StatusForm(forms.Form):
    reason = forms.CharField(label=_("Motivo"), max_length=500, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Esito"), choices=[("", "—"), *Outcome.choices])
    outcome_note = forms.CharField(
        label=_("Nota sull'esito"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Nota"), widget=forms.Textarea(attrs={"rows": 3}))
    confidential = forms.BooleanField(
        label=_("Riservata: la legge solo chi segue il caso e il coordinatore"), required=False
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, JPEG o PNG)"))
    description = forms.CharField(label=_("Descrizione"), max_length=200, required=False)


class ReviewForm(forms.Form):
    next_review_on = forms.DateField(label=_("Prossima verifica"), required=False, widget=DATE)


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Nuovo operatore"), queryset=None)
    reason = forms.CharField(label=_("Motivo"), max_length=500)

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        field.queryset = memberships
        field.label_from_instance = lambda m: f"{m.user.full_name} — {m.get_role_display()}"


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Finalità"), choices=ConsentPurpose.choices)
    method = forms.ChoiceField(label=_("Come ha accettato"), choices=ConsentMethod.choices)
    note = forms.CharField(label=_("Nota"), max_length=200, required=False)


class WorklistFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Cerca"),
        max_length=60,
        required=False,
        help_text=_("Codice fiscale, protocollo o nome."),
    )
    stato = forms.ChoiceField(
        label=_("Stato"),
        choices=[("", _("Tutti i casi aperti")), *CaseStatus.choices],
        required=False,
    )
    verifiche = forms.BooleanField(label=_("Solo verifiche scadute"), required=False)
