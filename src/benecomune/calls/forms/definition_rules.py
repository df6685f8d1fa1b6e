"""The rules sections of the call editor: eligibility, amount (with its ISEE bands), scoring,
tie-breaks, declarations, documents, and a network's participating Comuni with their shares.
Every row form treats an all-blank row as "no row", so a fixed number of empty rows is fine."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _

from benecomune.calls import rules as engine
from benecomune.calls.models import ShareMode
from benecomune.core.models import Municipality
from benecomune.ledger.forms import EuroField
from benecomune.ledger.money import format_decimal

TIE_BREAK_SLOTS = len(engine.TIE_BREAKS)
_CODE = re.compile(r"^[a-z0-9_]{1,40}$")


def euro_input(cents) -> str:
    """Cents as the editor shows them in an input ("1234,56"), blank for nothing."""
    return format_decimal(cents) if cents else ""


class OptionalEuroField(EuroField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def _points_field(label):
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=10_000, widget=forms.NumberInput()
    )


# --- eligibility, amount, scoring, ties -----------------------------------------------------


class EligibilityForm(forms.Form):
    isee_max = OptionalEuroField(
        label=_("Soglia ISEE"),
        help_text=_("ISEE massimo del nucleo, in euro. Vuoto: nessuna soglia."),
    )
    min_members = forms.IntegerField(
        label=_("Componenti minimi del nucleo"), required=False, min_value=1, max_value=30
    )
    requires_minor = forms.BooleanField(
        label=_("Nel nucleo deve esserci almeno un minore"), required=False
    )
    requires_over_75 = forms.BooleanField(
        label=_("Nel nucleo deve esserci almeno una persona di 75 anni o più"), required=False
    )
    requires_disabled = forms.BooleanField(
        label=_("Nel nucleo deve esserci almeno una persona con disabilità certificata"),
        required=False,
    )
    excluded_calls = forms.TypedMultipleChoiceField(
        label=_("Escludi chi riceve già il beneficio di questi bandi"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, excluded_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["excluded_calls"].choices = list(excluded_choices)


class AmountForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Come si calcola l'importo"),
        choices=[(k, capfirst(v)) for k, v in engine.AMOUNT_KINDS.items()],
        widget=forms.RadioSelect,
        initial="fixed",
    )
    base = OptionalEuroField(
        label=_("Importo per nucleo"),
        help_text=_("Importo fisso; con l'importo per componente è la quota fissa che si somma."),
    )
    per_member = OptionalEuroField(label=_("Importo per componente"))
    extra_per_minor = OptionalEuroField(label=_("In più per ogni minore"))
    extra_per_disabled = OptionalEuroField(label=_("In più per ogni persona con disabilità"))
    extra_per_over_75 = OptionalEuroField(label=_("In più per ogni persona di 75 anni o più"))
    cap = OptionalEuroField(
        label=_("Importo massimo per nucleo"), help_text=_("Vuoto: nessun massimo.")
    )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == "fixed" and not data.get("base") and "base" not in self.errors:
            self.add_error("base", _("Indichi l'importo fisso per nucleo."))
        if kind == "per_member" and not data.get("per_member") and "per_member" not in self.errors:
            self.add_error("per_member", _("Indichi l'importo per componente."))
        return data


class _RowForm(forms.Form):
    """A repeating row: all blank means "no row"; otherwise `needed` fields are required."""

    needed: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(data.get(name) in (None, "", False) for name in self.fields)

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        for name in self.needed:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Campo obbligatorio per questa riga."))
        return data


class AmountBandForm(_RowForm):
    needed = ("isee_max", "amount")
    isee_max = OptionalEuroField(label=_("ISEE fino a"), help_text="")
    amount = OptionalEuroField(label=_("Importo"), help_text="")


class ScoreBandForm(_RowForm):
    needed = ("isee_max", "points")
    isee_max = OptionalEuroField(label=_("ISEE fino a"), help_text="")
    points = _points_field(_("Punti"))


class _BandFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.is_blank()]

    def clean(self):
        if any(self.errors):
            return
        ceilings = [row["isee_max"] for row in self.rows()]
        if ceilings != sorted(ceilings) or len(set(ceilings)) != len(ceilings):
            raise ValidationError(
                _("Le fasce ISEE vanno indicate in ordine crescente, senza ripetizioni.")
            )


AmountBandFormSet = forms.formset_factory(
    AmountBandForm, formset=_BandFormSet, extra=1, max_num=12, validate_max=True
)
ScoreBandFormSet = forms.formset_factory(
    ScoreBandForm, formset=_BandFormSet, extra=1, max_num=12, validate_max=True
)


class ScoringForm(forms.Form):
    # Prefixed names: the amount section has its own "per_member" in the same form post.
    points_per_member = _points_field(_("Punti per ogni componente"))
    points_per_minor = _points_field(_("Punti per ogni minore"))
    points_per_over_75 = _points_field(_("Punti per ogni persona di 75 anni o più"))
    points_per_disabled = _points_field(_("Punti per ogni persona con disabilità"))


class TieBreakForm(forms.Form):
    """The tie-breaks in order: one select per position."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— nessuno —")), *engine.TIE_BREAKS.items()]
        for n in range(1, TIE_BREAK_SLOTS + 1):
            self.fields[f"tie_{n}"] = forms.ChoiceField(
                label=_("%(n)s° criterio") % {"n": n}, choices=choices, required=False
            )

    def clean(self):
        data = super().clean()
        seen = set()
        for n in range(1, TIE_BREAK_SLOTS + 1):
            value = data.get(f"tie_{n}")
            if value and value in seen:
                self.add_error(f"tie_{n}", _("Questo criterio è già stato scelto."))
            seen.add(value)
        return data

    def ordered(self) -> list[str]:
        return [
            self.cleaned_data[f"tie_{n}"]
            for n in range(1, TIE_BREAK_SLOTS + 1)
            if self.cleaned_data.get(f"tie_{n}")
        ]


def _code_from(text: str) -> str:
    return slugify(text).replace("-", "_")[:40].strip("_")


class _CodedRowForm(_RowForm):
    """A row with a short code (made from the text when left blank)."""

    text_field = "text"

    def clean(self):
        data = super().clean()
        if self.errors or self.is_blank():
            return data
        code = (data.get("code") or "").strip().lower() or _code_from(data.get(self.text_field, ""))
        if not _CODE.match(code):
            self.add_error(
                "code", _("Solo lettere minuscole, cifre e trattino basso, al massimo 40.")
            )
        data["code"] = code
        return data


class DeclarationForm(_CodedRowForm):
    needed = ("text",)
    code = forms.CharField(label=_("Codice"), max_length=40)
    text = forms.CharField(label=_("Testo della dichiarazione"), max_length=1000)


class DocumentForm(_CodedRowForm):
    needed = ("label",)
    text_field = "label"
    code = forms.CharField(label=_("Codice"), max_length=40)
    label = forms.CharField(label=_("Documento"), max_length=200)
    required = forms.BooleanField(label=_("Obbligatorio"))


class _CodedFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and not f.is_blank()]

    def clean(self):
        if any(self.errors):
            return
        codes = [row["code"] for row in self.rows()]
        if len(set(codes)) != len(codes):
            raise ValidationError(_("Ogni riga deve avere un codice diverso dalle altre."))


DeclarationFormSet = forms.formset_factory(
    DeclarationForm, formset=_CodedFormSet, extra=2, max_num=30, validate_max=True
)
DocumentFormSet = forms.formset_factory(
    DocumentForm, formset=_CodedFormSet, extra=2, max_num=30, validate_max=True
)


class SharesForm(forms.Form):
    """A network's joint call: which Comuni take part, the share each pledged, and how the
    shares are used (one network ranking, or each Comune's residents within its share)."""

    share_mode = forms.ChoiceField(
        label=_("Come si usano le quote"),
        choices=ShareMode.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "Graduatoria unica della rete: il budget scorre la graduatoria comune e le quote "
            "dicono solo come si divide la spesa (i rendiconti mostrano la spesa di ogni Comune "
            "rispetto alla sua quota). Quota di ciascun Comune: i residenti di ogni Comune sono "
            "finanziati, nell'ordine della graduatoria comune, fino alla quota del loro Comune."
        ),
    )
    redistribute_unused = forms.BooleanField(
        label=_("Ridistribuire le quote non usate"),
        required=False,
        help_text=_(
            "Solo con la quota di ciascun Comune: ciò che una quota lascia inutilizzato "
            "finanzia le domande successive della graduatoria comune, di qualunque Comune."
        ),
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipalities = list(municipalities)
        for m in self.municipalities:
            self.fields[f"share_{m.pk}"] = forms.BooleanField(
                label=_("Comune di %(name)s") % {"name": m.name}, required=False
            )
            self.fields[f"share_{m.pk}_amount"] = OptionalEuroField(
                label=_("Quota del budget di %(name)s") % {"name": m.name}, help_text=""
            )

    def rows(self):
        """(municipality, include field, amount field) for the template."""
        return [
            (m, self[f"share_{m.pk}"], self[f"share_{m.pk}_amount"]) for m in self.municipalities
        ]

    def clean_share_mode(self):
        # An editor without the choice (an old form, a script) keeps today's meaning.
        return self.cleaned_data.get("share_mode") or ShareMode.NETWORK

    def clean(self):
        data = super().clean()
        if data.get("share_mode") != ShareMode.PER_MUNICIPALITY and data.get("redistribute_unused"):
            self.add_error(
                "redistribute_unused",
                _("La ridistribuzione vale solo se il budget è diviso nelle quote dei Comuni."),
            )
        chosen = 0
        for m in self.municipalities:
            if data.get(f"share_{m.pk}"):
                chosen += 1
            elif data.get(f"share_{m.pk}_amount"):
                self.add_error(
                    f"share_{m.pk}_amount",
                    _("Indichi una quota solo per i Comuni che aderiscono."),
                )
        if not chosen:
            raise ValidationError(_("Scelga almeno un Comune che aderisce al bando."))
        return data

    def mode_fields(self) -> dict:
        return {
            "share_mode": self.cleaned_data["share_mode"],
            "redistribute_unused": bool(self.cleaned_data.get("redistribute_unused")),
        }

    def shares(self) -> list[tuple[Municipality, int]]:
        return [
            (m, self.cleaned_data.get(f"share_{m.pk}_amount") or 0)
            for m in self.municipalities
            if self.cleaned_data.get(f"share_{m.pk}")
        ]
