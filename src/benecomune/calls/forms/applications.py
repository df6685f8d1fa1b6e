"""Forms of the application pages (citizen and desk). Fields follow the call's rules: one
checkbox per declaration, one per household member for a certified disability."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.calls import rules as engine
from benecomune.calls.services.drafts import DRAFT_FIELDS, clean_draft, document_choices
from benecomune.calls.uploads import ACCEPT_ATTRIBUTE
from benecomune.core.models import Relationship
from benecomune.ledger.money import parse_euro

DECLARATION_PREFIX = "decl_"
DISABILITY_PREFIX = "disability_"


def relationship_label(value: str) -> str:
    try:
        return str(Relationship(value).label)
    except ValueError:
        return value


def parse_isee(text: str) -> int | None:
    """Cents from what people type; an ISEE of zero is a real value (no income, no assets)."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"€?\s*0+([.,]0{1,2})?", text):
        return 0
    return parse_euro(text)


class DraftForm(forms.Form):
    isee_value = forms.CharField(
        label=_("Valore ISEE, in euro"),
        required=False,
        max_length=20,
        help_text=_("È scritto sull'attestazione ISEE. Per esempio: 8.500,00"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    isee_protocol = forms.CharField(
        label=_("Numero di protocollo della DSU"),
        required=False,
        max_length=40,
        help_text=_("È in alto sull'attestazione ISEE. Per esempio: INPS-ISEE-2026-00000000A-00"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    isee_date = forms.DateField(
        label=_("Data di rilascio dell'ISEE"),
        required=False,
        help_text=_("L'ISEE vale fino al 31 dicembre dell'anno in cui è rilasciato."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    contact_phone = forms.CharField(
        label=_("Telefono"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    contact_email = forms.CharField(
        label=_("E-mail"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, application, inps=None, **kwargs):
        self.application = application
        # `inps`: the attestation INPS returned (desk only), shown as the starting values.
        self.inps = inps
        initial = {name: getattr(application, name) for name in DRAFT_FIELDS}
        if inps is not None and application.isee_value is None:
            initial.update(
                isee_value=inps.value, isee_protocol=inps.protocol, isee_date=inps.issued_on
            )
        if initial.get("isee_value") is not None:
            euros, cents = divmod(initial["isee_value"], 100)
            initial["isee_value"] = f"{euros:,}".replace(",", ".") + f",{cents:02d}"
        parsed = engine.parse_rules(application.call.rules)
        ticked = application.declarations or {}
        self.members = list(application.members.filter(active=True).order_by("pk"))
        for member in self.members:
            initial[f"{DISABILITY_PREFIX}{member.pk}"] = member.disability
        for declaration in parsed.declarations:
            initial[f"{DECLARATION_PREFIX}{declaration.code}"] = bool(ticked.get(declaration.code))
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.declaration_codes = [d.code for d in parsed.declarations]
        for declaration in parsed.declarations:
            self.fields[f"{DECLARATION_PREFIX}{declaration.code}"] = forms.BooleanField(
                label=declaration.text, required=False
            )
        for member in self.members:
            self.fields[f"{DISABILITY_PREFIX}{member.pk}"] = forms.BooleanField(
                label=_("%(name)s ha una disabilità certificata (legge 104/1992)")
                % {"name": member.full_name},
                required=False,
            )

    def clean_isee_value(self):
        try:
            return parse_isee(self.cleaned_data.get("isee_value", ""))
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def clean(self):
        """Run the service's checks too, so that every error shows at once (the service
        checks again when saving)."""
        data = super().clean()
        fields = {k: v for k, v in self.service_kwargs().items() if k in DRAFT_FIELDS and k in data}
        try:
            clean_draft(self.application, fields, timezone.localdate())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data

    def section(self, prefix: str) -> list:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    def declaration_fields(self):
        return self.section(DECLARATION_PREFIX)

    def member_rows(self) -> list[dict]:
        """Each household member with the checkbox of their disability."""
        return [
            {
                "member": m,
                "relationship": relationship_label(m.relationship),
                "field": self[f"{DISABILITY_PREFIX}{m.pk}"],
            }
            for m in self.members
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            name: data[name] for name in DRAFT_FIELDS if name != "declarations" and name in data
        }
        kwargs["declarations"] = {
            code: bool(data.get(f"{DECLARATION_PREFIX}{code}")) for code in self.declaration_codes
        }
        kwargs["disability"] = {
            member.pk: bool(data.get(f"{DISABILITY_PREFIX}{member.pk}")) for member in self.members
        }
        return kwargs


class DocumentForm(forms.Form):
    code = forms.ChoiceField(label=_("Che documento è"))
    file = forms.FileField(
        label=_("File (PDF, JPEG o PNG)"),
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, call, code=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = document_choices(call)
        if code:
            self.fields["code"].initial = code


class ConsentForm(forms.Form):
    call = forms.TypedChoiceField(label=_("Bando"), coerce=int)
    consent_note = forms.CharField(
        label=_("Come ha dato il consenso il cittadino"),
        max_length=200,
        help_text=_(
            "Per esempio: di persona allo sportello, documento d'identità verificato; oppure: "
            "delega scritta firmata, conservata agli atti."
        ),
    )

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [(c.pk, str(c)) for c in calls]


class ExistingConsentForm(forms.Form):
    """The consent to be assisted on an application the citizen already has."""

    consent_note = ConsentForm.base_fields["consent_note"]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché ritira la domanda"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClarificationAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("La sua risposta"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    code = forms.ChoiceField(label=_("Che documento allega"), required=False)
    file = forms.FileField(
        label=_("Documento da allegare (facoltativo)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = document_choices(call)

    def documents(self) -> list:
        upload = self.cleaned_data.get("file")
        return [(self.cleaned_data.get("code") or "other", upload)] if upload else []
