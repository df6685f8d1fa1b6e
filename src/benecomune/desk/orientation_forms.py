"""Forms of the orientation page. The services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DismissForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=40)
    reason = forms.CharField(label=_("Motivo per scartarla"), max_length=500)


class GiveForm(forms.Form):
    chosen = forms.MultipleChoiceField(
        label=_("Proposte da consegnare"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Nota per la persona"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [(s.key, s.title) for s in suggestions]


class UnmetForm(forms.Form):
    need = forms.ModelChoiceField(label=_("Bisogno"), queryset=None)
    note = forms.CharField(label=_("Perché non ha risposta"), max_length=500)

    def __init__(self, *args, needs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = needs
