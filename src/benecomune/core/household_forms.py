"""Forms of the household pages: the household's address and one row per member. They only
shape the input; core.services.households checks the rows and says what is wrong in each."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.core.identifiers import normalize_fiscal_code, parse_fiscal_code
from benecomune.core.models import Municipality, Relationship
from benecomune.core.services.households import MemberData

MEMBER_ROWS = 6


def _non_head_choices():
    return [c for c in Relationship.choices if c[0] != Relationship.HEAD]


class HouseholdForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Comune di residenza"), queryset=Municipality.objects.none()
    )
    address = forms.CharField(label=_("Indirizzo del nucleo"), max_length=200)

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities
        if municipalities.count() == 1:
            self.fields["municipality"].initial = municipalities.first()


class MemberForm(forms.Form):
    fiscal_code = forms.CharField(label=_("Codice fiscale"), max_length=20)
    # A blank first choice, so that a row left empty posts nothing and is skipped.
    relationship = forms.ChoiceField(
        label=_("Relazione con l'intestatario"),
        choices=[("", _("— scelga —")), *Relationship.choices],
    )
    first_name = forms.CharField(
        label=_("Nome"),
        max_length=100,
        required=False,
        help_text=_("Non serve se la persona è già in anagrafe."),
    )
    last_name = forms.CharField(label=_("Cognome"), max_length=100, required=False)
    email = forms.EmailField(max_length=254, label=_("E-mail"), required=False)

    def clean_fiscal_code(self):
        code = normalize_fiscal_code(self.cleaned_data["fiscal_code"])
        parse_fiscal_code(code)
        return code

    def member(self) -> MemberData:
        return MemberData(**self.cleaned_data)


class AddMemberForm(MemberForm):
    """One more person in an existing household: anyone but a second head."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship"].choices = _non_head_choices()


MemberFormSet = forms.formset_factory(MemberForm, extra=MEMBER_ROWS, max_num=20)


class RelationshipForm(forms.Form):
    """A member's relationship to the head changed; naming a new head asks what the old one
    becomes."""

    relationship = forms.ChoiceField(
        label=_("Nuova relazione con l'intestatario"), choices=Relationship.choices
    )
    former_head_relationship = forms.ChoiceField(
        label=_("Relazione dell'attuale intestatario con il nuovo"),
        choices=[("", _("— scelga —")), *_non_head_choices()],
        required=False,
        help_text=_(
            "Solo se la persona diventa intestataria della scheda. Poi controlli le relazioni "
            "degli altri componenti: si riferiscono all'intestatario."
        ),
    )
    reason = forms.CharField(label=_("Motivo della modifica"), max_length=300)


class RemoveMemberForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo della rimozione"),
        max_length=300,
        help_text=_("Per esempio: trasferita a un altro indirizzo, inserita per errore."),
    )
    confirmed = forms.BooleanField(
        label=_("Confermo di togliere la persona dal nucleo familiare"),
        error_messages={
            "required": _("Confermi la rimozione spuntando la casella: nulla è stato cambiato.")
        },
    )
