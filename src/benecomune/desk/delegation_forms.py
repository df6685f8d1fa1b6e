"""Forms of the delegation pages (the citizen's and the desk's). The services check again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.desk.models import DelegationScope, IdDocumentType, WelfarePoint

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DelegationForm(forms.Form):
    point = forms.ModelChoiceField(
        label=_("Punto Welfare delegato"), queryset=WelfarePoint.objects_unscoped.none()
    )
    scopes = forms.MultipleChoiceField(
        label=_("Azioni che il Punto può fare per lei"),
        choices=DelegationScope.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    valid_from = forms.DateField(label=_("Valida dal"), widget=DATE)
    valid_until = forms.DateField(label=_("Valida fino al"), widget=DATE)

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points


class DeskDelegationForm(DelegationForm):
    id_document_type = forms.ChoiceField(
        label=_("Documento d'identità"), choices=[("", "—"), *IdDocumentType.choices]
    )
    id_document_number = forms.CharField(label=_("Numero del documento"), max_length=40)
    id_document_expiry = forms.DateField(label=_("Scadenza del documento"), widget=DATE)
    scan = forms.FileField(
        label=_("Copia del documento e della delega firmata"),
        help_text=_("PDF, JPEG o PNG."),
    )
