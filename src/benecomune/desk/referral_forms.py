"""Forms of the referral pages. The services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.core.models import Municipality, Provider
from benecomune.desk.models import ReferralTarget, WelfarePoint

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.Form):
    target = forms.ChoiceField(
        label=_("A chi la invia"), choices=ReferralTarget.choices, widget=forms.RadioSelect
    )
    provider = forms.ModelChoiceField(
        label=_("Fornitore"), queryset=Provider.objects.none(), required=False
    )
    service = forms.ModelChoiceField(
        label=_("Servizio (facoltativo)"), queryset=None, required=False
    )
    office = forms.ModelChoiceField(
        label=_("Comune (servizi sociali)"), queryset=Municipality.objects.none(), required=False
    )
    point = forms.ModelChoiceField(
        label=_("Punto Welfare"), queryset=WelfarePoint.objects_unscoped.none(), required=False
    )
    reason = forms.CharField(
        label=_("Motivo della segnalazione"), widget=forms.Textarea(attrs={"rows": 3})
    )
    shared_data = forms.CharField(
        label=_("Dati condivisi con il destinatario"),
        help_text=_("Solo quelli necessari: per esempio nome, telefono, il bisogno."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    follow_up_on = forms.DateField(label=_("Data di verifica"), widget=DATE)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        from benecomune.marketplace.models import Service

        self.fields["provider"].queryset = Provider.objects.filter(is_active=True).order_by("name")
        self.fields["service"].queryset = (
            Service.objects_unscoped.filter(provider__is_active=True, status="published")
            .select_related("provider")
            .order_by("provider__name", "title")
        )
        self.fields["service"].label_from_instance = lambda s: f"{s.provider.name} — {s.title}"
        self.fields["office"].queryset = Municipality.objects.filter(is_active=True).order_by(
            "name"
        )
        self.fields["point"].queryset = (
            WelfarePoint.objects_unscoped.filter(is_active=True)
            .exclude(pk=case.point_id)
            .order_by("name")
        )


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Nota (obbligatoria per rifiutare)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(forms.Form):
    outcome = forms.CharField(label=_("Esito"), widget=forms.Textarea(attrs={"rows": 2}))
