"""The public search form (GET): it only reads the query string into `search.Filters`; a wrong
price is reported on its field and the search runs without it."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from benecomune.ledger.money import parse_euro
from benecomune.marketplace.models import Delivery, ServiceType, TargetGroup, UserArea
from benecomune.marketplace.services.search import Filters, Sort


class Select(forms.Select):
    """Django's select written in Python: the same markup without a template per option
    (six selects of 4 to 12 options took half the search page's rendering time). Keeps the
    name "Select": `includes/form_field.html` picks its layout by the widget's class name."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(v), mark_safe(" selected") if str(v) in chosen else "", label)
                for v, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


def _choices(enum, empty):
    return [("", empty), *enum.choices]


class EuroField(forms.Field):
    """An amount typed as people write it ("12,50"), in cents; 0 allowed (free services)."""

    widget = forms.TextInput(attrs={"maxlength": "12", "inputmode": "decimal"})

    def to_python(self, value):
        text = str(value or "").strip()[:12]
        if not text:
            return None
        if text in ("0", "0,00", "0.00"):
            return 0
        try:
            return parse_euro(text)
        except (ValidationError, ValueError) as exc:
            raise ValidationError(_("Scriva un importo in euro, per esempio 25 o 12,50.")) from exc


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Cerca"), required=False, max_length=200)
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        choices=_choices(UserArea, _("Tutte le aree")),
        widget=Select,
    )
    tipo = forms.ChoiceField(
        label=_("Tipo di servizio"),
        required=False,
        choices=_choices(ServiceType, _("Tutti i tipi")),
        widget=Select,
    )
    destinatari = forms.ChoiceField(
        label=_("Per chi"),
        required=False,
        choices=_choices(TargetGroup, _("Tutti")),
        widget=Select,
    )
    comune = forms.ModelChoiceField(
        label=_("Comune"),
        required=False,
        queryset=None,
        empty_label=_("Tutti i Comuni della rete"),
        to_field_name="slug",
        widget=Select,
    )
    modalita = forms.ChoiceField(
        label=_("Modalità"), required=False, choices=_choices(Delivery, _("Tutte")), widget=Select
    )
    prezzo_min = EuroField(label=_("Prezzo da (euro)"), required=False)
    prezzo_max = EuroField(label=_("Prezzo fino a (euro)"), required=False)
    miei_buoni = forms.BooleanField(label=_("Pagabili con i miei buoni"), required=False)
    ordina = forms.ChoiceField(
        label=_("Ordina per"), required=False, choices=Sort.CHOICES, widget=Select
    )

    def __init__(self, *args, municipalities, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comune"].queryset = municipalities
        self.person = person
        if person is None:
            del self.fields["miei_buoni"]  # only for a logged-in citizen

    def clean(self):
        data = super().clean()
        low, high = data.get("prezzo_min"), data.get("prezzo_max")
        if low is not None and high is not None and low > high:
            self.add_error("prezzo_max", _("Il prezzo massimo è minore di quello minimo."))
        return data

    def filters(self) -> Filters:
        """The filters of the valid fields (a wrong one is left out and shown on its field)."""
        data = self.cleaned_data if self.is_bound else {}
        return Filters(
            text=data.get("q") or "",
            user_area=data.get("area") or "",
            service_type=data.get("tipo") or "",
            target_group=data.get("destinatari") or "",
            municipality=data.get("comune"),
            delivery=data.get("modalita") or "",
            price_min=data.get("prezzo_min"),
            price_max=data.get("prezzo_max"),
            wallets_of=self.person if data.get("miei_buoni") else None,
            sort=data.get("ordina") or "",
        )

    @property
    def filtered(self) -> bool:
        f = self.filters()
        return any(
            (
                f.user_area,
                f.service_type,
                f.target_group,
                f.municipality,
                f.delivery,
                f.price_min is not None,
                f.price_max is not None,
                f.wallets_of,
            )
        )
