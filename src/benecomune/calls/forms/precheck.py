"""The public eligibility pre-check: a few answers, no login, nothing stored.

The answers become `rules.HouseholdFacts` so the call's own rules engine gives the answer;
ages become birth dates on the reference day (a person of 18 was born 18 years ago today).
"""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.calls import rules as engine
from benecomune.ledger.forms import EuroField

MAX_MEMBERS = 8
OTHER_COMUNE = "0"


def birth_date_for_age(age: int, on: datetime.date) -> datetime.date:
    """A birth date giving exactly `age` on `on` (29 February falls back to the 28th)."""
    year = on.year - age
    try:
        return on.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


class IseeField(EuroField):
    """Euro as typed; unlike an amount paid, an ISEE may be zero."""

    def clean(self, value):
        if isinstance(value, str) and re.fullmatch(r"\s*0+([.,]0{1,2})?\s*", value):
            return 0
        return super().clean(value)


class PrecheckForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Comune di residenza"))
    isee_value = IseeField(
        label=_("Valore ISEE del nucleo"),
        required=False,
        help_text=_("In euro, come nell'attestazione, ad esempio 8.500,00. Vuoto se non lo ha."),
    )
    isee_year = forms.ChoiceField(
        label=_("Anno di rilascio dell'attestazione ISEE"), required=False
    )
    awarded_calls = forms.TypedMultipleChoiceField(
        label=_("Qualcuno del nucleo riceve già uno di questi benefici?"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, municipalities, excluded_calls=(), today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        choices = [(str(pk), name) for pk, name in municipalities]
        choices.append((OTHER_COMUNE, _("Un altro Comune")))
        self.fields["municipality"].choices = choices
        if len(municipalities) == 1:
            self.fields["municipality"].initial = str(municipalities[0][0])
        self.fields["isee_year"].choices = [
            (str(today.year), str(today.year)),
            (str(today.year - 1), _("%(year)s o prima") % {"year": today.year - 1}),
        ]
        self.fields["awarded_calls"].choices = list(excluded_calls)
        if not excluded_calls:
            del self.fields["awarded_calls"]
        for n in range(1, MAX_MEMBERS + 1):
            self.fields[f"age_{n}"] = forms.IntegerField(
                label=_("Età di chi fa domanda")
                if n == 1
                else _("Età del componente %(n)s") % {"n": n},
                required=n == 1,
                min_value=0,
                max_value=120,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
            self.fields[f"disabled_{n}"] = forms.BooleanField(
                label=_("Con disabilità certificata"), required=False
            )

    def member_rows(self):
        return [(n, self[f"age_{n}"], self[f"disabled_{n}"]) for n in range(1, MAX_MEMBERS + 1)]

    def clean(self):
        data = super().clean()
        for n in range(2, MAX_MEMBERS + 1):
            if data.get(f"disabled_{n}") and data.get(f"age_{n}") is None:
                self.add_error(f"age_{n}", _("Indichi l'età di questo componente."))
        return data

    def facts(self) -> engine.HouseholdFacts:
        data = self.cleaned_data
        members = []
        for n in range(1, MAX_MEMBERS + 1):
            age = data.get(f"age_{n}")
            if age is not None:
                members.append(
                    engine.MemberFacts(
                        f"M{n}",
                        birth_date_for_age(age, self.today),
                        bool(data.get(f"disabled_{n}")),
                    )
                )
        isee = data.get("isee_value")
        isee_date = None
        if isee is not None:
            year = int(data.get("isee_year") or self.today.year)
            # This year's attestation is valid today; an older one expired on 31 December.
            isee_date = self.today if year == self.today.year else datetime.date(year, 12, 31)
        municipality = int(data["municipality"]) or None
        return engine.HouseholdFacts(
            municipality_id=municipality,
            members=tuple(members),
            isee_value=isee,
            isee_date=isee_date,
            awarded_calls=frozenset(data.get("awarded_calls") or ()),
        )
