"""Forms of the commerce district: the shop's week (two slots a day), a closure, a promotion,
the directory's category filter. They only collect input: the services check it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.marketplace.models import Weekday

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
SLOTS_PER_DAY = 2


def _slot_field(label) -> forms.TimeField:
    return forms.TimeField(label=label, required=False, widget=TIME)


class WeekForm(forms.Form):
    """Per weekday: morning and afternoon, each from / to (empty: closed)."""

    def __init__(self, *args, week=None, **kwargs):
        initial = {}
        for day in week or []:
            for n, (opens, closes) in enumerate(day.slots[:SLOTS_PER_DAY], start=1):
                initial[f"d{day.weekday}_open{n}"] = opens
                initial[f"d{day.weekday}_close{n}"] = closes
        super().__init__(*args, initial=initial, **kwargs)
        for day in Weekday:
            for n in range(1, SLOTS_PER_DAY + 1):
                self.fields[f"d{day.value}_open{n}"] = _slot_field(
                    _("%(day)s, fascia %(n)s: apre alle") % {"day": day.label, "n": n}
                )
                self.fields[f"d{day.value}_close{n}"] = _slot_field(
                    _("%(day)s, fascia %(n)s: chiude alle") % {"day": day.label, "n": n}
                )

    def days(self):
        """[(label, [(open field, close field)])] for the template's table."""
        return [
            (
                day.label,
                [
                    (self[f"d{day.value}_open{n}"], self[f"d{day.value}_close{n}"])
                    for n in range(1, SLOTS_PER_DAY + 1)
                ],
            )
            for day in Weekday
        ]

    def slots(self) -> list[tuple]:
        """[(weekday, opens, closes)] of the slots with any time given (one missing: the
        service says so)."""
        data = self.cleaned_data
        result = []
        for day in Weekday:
            for n in range(1, SLOTS_PER_DAY + 1):
                opens, closes = (
                    data.get(f"d{day.value}_open{n}"),
                    data.get(f"d{day.value}_close{n}"),
                )
                if opens is not None or closes is not None:
                    result.append((day.value, opens, closes))
        return result


class ClosureForm(forms.Form):
    start_date = forms.DateField(label=_("Chiuso dal"), widget=DATE)
    end_date = forms.DateField(
        label=_("Chiuso fino al"),
        widget=DATE,
        required=False,
        help_text=_("Vuoto: un giorno solo."),
    )
    note = forms.CharField(
        label=_("Nota per i clienti"),
        max_length=200,
        required=False,
        help_text=_("Per esempio: ferie estive, inventario."),
    )


class PromotionForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=120)
    text = forms.CharField(
        label=_("Testo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Testo semplice, al massimo 2000 caratteri."),
    )
    valid_from = forms.DateField(label=_("Valida dal"), widget=DATE)
    valid_until = forms.DateField(label=_("Valida fino al"), widget=DATE)
    image = forms.FileField(
        label=_("Immagine (facoltativa)"),
        required=False,
        help_text=_("JPEG o PNG, al massimo 5 MB."),
    )
    image_alt = forms.CharField(
        label=_("Descrizione dell'immagine"),
        max_length=200,
        required=False,
        help_text=_("Per chi non la vede: che cosa mostra."),
    )


class CategoryFilterForm(forms.Form):
    categoria = forms.ChoiceField(label=_("Categoria"), required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categoria"].choices = [("", _("Tutte le categorie"))] + [
            (value, f"{label} ({n})") for value, label, n in categories
        ]
