"""Forms of plan funding and of the productivity bonus. Amounts are typed in euro and cleaned
to integer cents (the ledger's EuroField)."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.corporate.models import FundingKind
from benecomune.ledger.forms import EuroField
from benecomune.ledger.money import format_euro


class FundingRequestForm(forms.Form):
    schedule = forms.ChoiceField(
        label=_("Come versa l'azienda"), choices=FundingKind.choices, initial=FundingKind.SINGLE
    )


class PaymentForm(forms.Form):
    """A received transfer. The select offers the requests still to be paid; the page looks up
    any request of the plan, so the service names a paid or cancelled one in its refusal. When
    the service refuses an unconfirmed excess, `offer_excess` adds the checkbox naming it, and
    the excess it confirms travels with the form: a changed amount asks again."""

    request = forms.IntegerField(label=_("Richiesta (causale)"), widget=forms.Select)
    amount = EuroField(label=_("Importo accreditato"))
    received_on = forms.DateField(
        label=_("Data di accredito"),
        initial=datetime.date.today,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    bank_reference = forms.CharField(label=_("Riferimento del bonifico (CRO/TRN)"), max_length=60)
    excess = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, requests=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].widget.choices = [
            (r.pk, _("%(ref)s (da pagare %(due)s)") % {"ref": r, "due": format_euro(r.outstanding)})
            for r in requests
        ]
        offered = str(self.data.get("excess") or "") if self.is_bound else ""
        if offered.isdigit() and int(offered) > 0:
            self.fields["accept_excess"] = self._excess_field(int(offered))

    @property
    def has_requests(self) -> bool:
        return bool(self.fields["request"].widget.choices)

    @staticmethod
    def _excess_field(excess: int) -> forms.BooleanField:
        return forms.BooleanField(
            required=False,
            label=_("Confermo che il bonifico supera il dovuto di %(excess)s")
            % {"excess": format_euro(excess)},
            help_text=_("L'eccedenza resta nel fondo del piano."),
        )

    def payment_args(self, excess: int) -> dict:
        """The service's arguments; the excess is accepted only when the box confirms exactly
        the `excess` of this amount (the one the page showed)."""
        data = self.cleaned_data
        confirmed = bool(data.get("accept_excess")) and data.get("excess") == excess > 0
        return {
            "amount": data["amount"],
            "received_on": data["received_on"],
            "bank_reference": data["bank_reference"],
            "accept_excess": confirmed,
        }

    def offer_excess(self, excess: int) -> None:
        """The checkbox naming `excess`, unticked, for the next submission."""
        self.data = self.data.copy()
        self.data["excess"] = str(excess)
        self.data.pop("accept_excess", None)
        self.fields["accept_excess"] = self._excess_field(excess)
        self._bound_fields_cache.pop("accept_excess", None)  # validation bound the old label


class BonusForm(forms.Form):
    employee_number = forms.CharField(label=_("Matricola"), max_length=30)
    year = forms.IntegerField(label=_("Anno del premio"), min_value=2000, max_value=2100)
    amount = EuroField(label=_("Premio di risultato"))


class ConversionForm(forms.Form):
    amount = EuroField(label=_("Quanto vuole convertire in credito welfare"))
    income_declared = forms.BooleanField(
        label=_(
            "Dichiaro che il mio reddito da lavoro dipendente dell'anno precedente il premio "
            "non ha superato il limite indicato"
        ),
        required=False,
    )


class BonusImportForm(forms.Form):
    file = forms.FileField(
        label=_("File CSV o XLSX"),
        help_text=_("Colonne: matricola, anno, importo (in euro, per esempio 1.500,00)."),
    )
