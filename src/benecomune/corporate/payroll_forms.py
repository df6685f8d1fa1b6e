"""Forms of the payroll export: the pay period and plan, and the item-code mapping (one field
per legal basis, exempt or taxable, and from the productivity bonus)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from benecomune.corporate.payroll_codes import COMBINATIONS
from benecomune.corporate.services.payroll_export import parse_period
from benecomune.corporate.services.payroll_mapping import field_name

ALL_PLANS = ""


class PayrollExportForm(forms.Form):
    periodo = forms.CharField(
        label=_("Periodo di paga (mese/anno)"),
        max_length=10,
        help_text=_("Ad esempio 03/2026."),
    )
    piano = forms.ChoiceField(label=_("Piano"), required=False)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["piano"].choices = [(ALL_PLANS, _("Tutti i piani"))] + [
            (str(p.pk), p.name) for p in plans
        ]

    def clean_periodo(self):
        try:
            return parse_period(self.cleaned_data["periodo"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


COMBINATION_LABELS = {
    (False, False): _("esente"),
    (True, False): _("imponibile"),
    (False, True): _("esente, da premio di risultato"),
    (True, True): _("imponibile, da premio di risultato"),
}


class PayrollCodesForm(forms.Form):
    def __init__(self, *args, bases=(), mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        mapping = mapping or {}
        self.rows = []
        for basis in bases:
            names = []
            for taxable, bonus in COMBINATIONS:
                name = field_name(basis.code, taxable, bonus)
                self.fields[name] = forms.CharField(
                    label=COMBINATION_LABELS[(taxable, bonus)],
                    max_length=20,
                    initial=mapping.get((basis.code, taxable, bonus), ""),
                )
                names.append(name)
            self.rows.append((basis, [self[n] for n in names]))

    def codes(self) -> dict:
        out = {}
        for name, value in self.cleaned_data.items():
            code, taxable, bonus = name.split("__")
            out[(code, taxable == "t", bonus == "b")] = value
        return out
