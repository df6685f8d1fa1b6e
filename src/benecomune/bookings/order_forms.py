"""Forms of the orders' pages: the checkout's split (an amount per usable wallet, the own-money
rest and how it is paid), the provider's cancellation reason and refund."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from benecomune.bookings.models import OwnMoney
from benecomune.ledger.money import format_decimal, parse_euro


def euro_field(label, initial_cents: int, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        initial=format_decimal(initial_cents) if initial_cents else "0,00",
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


def cents(text: str) -> int:
    text = (text or "").strip()
    if not text or text.replace("0", "").replace(",", "").replace(".", "") in ("", "€"):
        return 0
    return parse_euro(text)


def wallet_amounts(data) -> dict[int, int]:
    """{wallet id: cents} of the checkout's `wallet_<id>` fields read straight from the POST
    (zero amounts left out); a bad amount raises ValidationError."""
    split = {}
    for name, value in data.items():
        head, _sep, wallet_id = name.partition("_")
        if head == "wallet" and wallet_id.isdigit() and (amount := cents(value)):
            split[int(wallet_id)] = amount
    return split


class CheckoutForm(forms.Form):
    """Built from an order's offer (services/order_options.py): one amount per wallet that may
    pay it, prefilled with the proposal."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=80)

    def __init__(self, *args, offer, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["key"].initial = uuid.uuid4().hex
        for option in offer.usable:
            self.fields[f"wallet_{option.wallet.pk}"] = euro_field(
                option.wallet.title, option.proposed
            )
        self.fields["own_amount"] = euro_field(_("Denaro proprio"), offer.own_proposed)
        choices = [(OwnMoney.ONLINE.value, OwnMoney.ONLINE.label)]
        choices.append((OwnMoney.AT_PROVIDER.value, OwnMoney.AT_PROVIDER.label))
        self.fields["own_money"] = forms.ChoiceField(
            label=_("Come paga il denaro proprio"),
            choices=choices,
            initial=OwnMoney.ONLINE,
            required=False,
            widget=forms.RadioSelect,
        )

    def wallet_fields(self):
        return [(o, self[f"wallet_{o.wallet.pk}"]) for o in self.offer.usable]

    def _amount(self, name) -> int:
        try:
            return cents(self.cleaned_data.get(name))
        except ValidationError as exc:
            self.add_error(name, exc)
            return 0

    def clean(self):
        data = super().clean()
        data["split"] = {
            o.wallet.pk: self._amount(f"wallet_{o.wallet.pk}") for o in self.offer.usable
        }
        data["own_cents"] = self._amount("own_amount")
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo dell'annullamento"),
        max_length=300,
        help_text=_("Lo leggerà chi ha ordinato."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefundForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    amount = forms.CharField(
        label=_("Importo da rimborsare (euro)"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("Motivo del rimborso"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].initial = uuid.uuid4().hex

    def clean_amount(self):
        return parse_euro(self.cleaned_data["amount"])
