"""The call editor: a human form (no JSON) that builds a call's fields and its rules JSON.

`CallEditor` groups one form per section plus formsets for the repeating rows (ISEE bands,
declarations, documents) and, for a network's joint call, the participating Comuni with
their share of the budget. Money is typed in euro and becomes cents here.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.calls import rules as engine
from benecomune.calls.forms.definition_rules import (
    AmountBandFormSet,
    AmountForm,
    DeclarationFormSet,
    DocumentFormSet,
    EligibilityForm,
    ScoreBandFormSet,
    ScoringForm,
    SharesForm,
    TieBreakForm,
    euro_input,
)
from benecomune.calls.models import BenefitType, Call, CallStatus, ShareMode
from benecomune.core.models import MerchantCategory, Municipality, OrganizationKind
from benecomune.ledger.forms import EuroField
from benecomune.ledger.models import Fund


def _local_input(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M") if value else ""


class LocalDateTimeField(forms.DateTimeField):
    """Date and time in one phone-friendly input (the browser's date-time picker)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
        super().__init__(**kwargs)


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- the call itself -----------------------------------------------------------------------


class CallForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=200)
    code = forms.SlugField(
        label=_("Codice"),
        max_length=60,
        help_text=_(
            "Breve, senza spazi: compare nell'indirizzo della pagina pubblica, ad esempio "
            "buoni-spesa-2026."
        ),
        # Django's own message speaks of a "slug" and uses "tu".
        error_messages={
            "invalid": _(
                "Il codice può contenere solo lettere senza accenti, cifre e trattini, senza "
                "spazi: ad esempio buoni-spesa-2026."
            )
        },
    )
    summary = forms.CharField(
        label=_("In breve"),
        max_length=300,
        required=False,
        help_text=_("Una frase per l'elenco dei bandi."),
    )
    description = forms.CharField(
        label=_("Descrizione"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    benefit_type = forms.ChoiceField(label=_("Tipo di beneficio"), choices=BenefitType.choices)
    fund = forms.ModelChoiceField(
        label=_("Fondo"),
        queryset=Fund.objects_unscoped.none(),
        help_text=_("Alla pubblicazione tutto il budget viene prenotato su questo fondo."),
    )
    budget = EuroField(label=_("Budget del bando"))
    opens_at = LocalDateTimeField(label=_("Domande dal"))
    closes_at = LocalDateTimeField(label=_("Domande fino al"))
    spend_from = forms.DateField(
        label=_("Utilizzo o richiesta di rimborso dal"), required=False, widget=_date_widget()
    )
    spend_until = forms.DateField(
        label=_("Utilizzo o richiesta di rimborso fino al"), required=False, widget=_date_widget()
    )
    allowed_categories = forms.MultipleChoiceField(
        label=_("Dove si possono spendere i buoni"),
        choices=MerchantCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Nessuna scelta: presso ogni esercente del circuito."),
    )
    appeal_days = forms.IntegerField(
        label=_("Giorni per i ricorsi sulla graduatoria provvisoria"),
        min_value=0,
        max_value=365,
        initial=10,
    )
    legal_reference = forms.CharField(
        label=_("Atto di approvazione"),
        max_length=200,
        required=False,
        help_text=_("Ad esempio: Delibera di Giunta n. 45 del 12/03/2026."),
    )

    def __init__(self, *args, owner, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.call = call
        # The owner's funds only, whatever the scope: a call is paid by its owner's fund.
        self.fields["fund"].queryset = Fund.objects_unscoped.filter(organization=owner).order_by(
            "name"
        )
        if call is not None and call.version > 1:
            # Every version of a call shares its code (the public address stays the same).
            self.fields["code"].disabled = True

    def clean_code(self):
        code = self.cleaned_data["code"]
        others = Call.objects_unscoped.filter(organization=self.owner, code=code)
        if self.call is not None:
            others = others.exclude(pk__in=lineage_ids(self.call))
        if others.exists():
            raise ValidationError(_("Esiste già un bando con questo codice."))
        return code

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("La chiusura delle domande deve seguire l'apertura."))
        start, end = data.get("spend_from"), data.get("spend_until")
        if start and end and end < start:
            self.add_error("spend_until", _("La fine dell'utilizzo precede l'inizio."))
        return data


def lineage_ids(call: Call) -> list[int]:
    """The call and all its versions, before and after."""
    ids = [call.pk]
    first = call
    while first.previous_version_id:
        first = Call.objects_unscoped.get(pk=first.previous_version_id)
        ids.append(first.pk)
    nxt = Call.objects_unscoped.filter(previous_version_id=call.pk).first()
    while nxt is not None:
        ids.append(nxt.pk)
        nxt = Call.objects_unscoped.filter(previous_version_id=nxt.pk).first()
    return ids


# --- the whole editor ------------------------------------------------------------------------


def excluded_call_choices(owner, call=None) -> list[tuple[int, str]]:
    """Other calls of the owner and of its network, whose beneficiaries may be excluded."""
    org_ids = {owner.pk}
    if owner.kind == OrganizationKind.NETWORK:
        org_ids.update(Municipality.objects.filter(network=owner).values_list("pk", flat=True))
    elif owner.network_id:
        org_ids.add(owner.network_id)
    calls = (
        Call.objects_unscoped.filter(organization_id__in=org_ids)
        .exclude(status=CallStatus.SUPERSEDED)
        .select_related("organization")
        .order_by("-created_at")
    )
    if call is not None:
        calls = calls.exclude(pk__in=lineage_ids(call))
    return [(c.pk, f"{c} · {c.organization.name} · {c.get_status_display()}") for c in calls[:200]]


# Service refusals shown in the shares section of the editor.
SHARE_ERRORS = ("shares", "share_mode", "redistribute_unused")
SCORING_KEYS = ("per_member", "per_minor", "per_over_75", "per_disabled")


def _call_initial(call: Call | None) -> dict:
    if call is None:
        start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
        start += datetime.timedelta(days=1)
        return {
            "benefit_type": BenefitType.VOUCHER,
            "opens_at": _local_input(start),
            "closes_at": _local_input(start + datetime.timedelta(days=30, hours=3)),
            "appeal_days": 10,
        }
    return {
        "title": call.title,
        "code": call.code,
        "summary": call.summary,
        "description": call.description,
        "benefit_type": call.benefit_type,
        "fund": call.fund_id,
        "budget": euro_input(call.budget),
        "opens_at": _local_input(call.opens_at),
        "closes_at": _local_input(call.closes_at),
        "spend_from": call.spend_from,
        "spend_until": call.spend_until,
        "allowed_categories": list(call.allowed_categories or []),
        "appeal_days": call.appeal_days,
        "legal_reference": call.legal_reference,
    }


def _rules_initial(data: dict) -> dict:
    """Initial values of every rules section from a call's rules JSON."""
    elig = data.get("eligibility") or {}
    amount = data.get("amount") or {}
    scoring = data.get("scoring") or {}
    ties = list(data.get("tie_breaks") or [])
    euro_keys = ("base", "per_member", "extra_per_minor", "extra_per_disabled")
    return {
        "eligibility": {
            "isee_max": euro_input(elig.get("isee_max")),
            "min_members": elig.get("min_members"),
            "requires_minor": bool(elig.get("requires_minor")),
            "requires_over_75": bool(elig.get("requires_over_75")),
            "requires_disabled": bool(elig.get("requires_disabled")),
            "excluded_calls": list(elig.get("excluded_calls") or []),
        },
        "amount": {
            "kind": amount.get("kind", "fixed"),
            **{k: euro_input(amount.get(k)) for k in (*euro_keys, "extra_per_over_75", "cap")},
        },
        "amount_bands": [
            {"isee_max": euro_input(b["isee_max"]), "amount": euro_input(b["amount"])}
            for b in amount.get("bands") or []
        ],
        "scoring": {f"points_{k}": scoring.get(k) or None for k in SCORING_KEYS},
        "score_bands": [
            {"isee_max": euro_input(b["isee_max"]), "points": b["points"]}
            for b in scoring.get("isee_bands") or []
        ],
        "tie_breaks": {f"tie_{n + 1}": t for n, t in enumerate(ties)},
        "declarations": list(data.get("declarations") or []),
        "documents": list(data.get("documents") or []),
    }


class CallEditor:
    """All the sections of the call form, validated together."""

    def __init__(self, data=None, *, owner, call=None):
        self.owner = owner
        self.call = call
        initial = _rules_initial(call.rules if call else {})
        self.general = CallForm(data, owner=owner, call=call, initial=_call_initial(call))
        self.eligibility = EligibilityForm(
            data,
            initial=initial["eligibility"],
            excluded_choices=excluded_call_choices(owner, call),
        )
        self.amount = AmountForm(data, initial=initial["amount"])
        self.amount_bands = AmountBandFormSet(
            data, prefix="amount_bands", initial=initial["amount_bands"]
        )
        self.scoring = ScoringForm(data, initial=initial["scoring"])
        self.score_bands = ScoreBandFormSet(
            data, prefix="score_bands", initial=initial["score_bands"]
        )
        self.tie_breaks = TieBreakForm(data, initial=initial["tie_breaks"])
        self.declarations = DeclarationFormSet(
            data, prefix="declarations", initial=initial["declarations"]
        )
        self.documents = DocumentFormSet(data, prefix="documents", initial=initial["documents"])
        self.shares = None
        if owner.kind == OrganizationKind.NETWORK:
            municipalities = Municipality.objects.filter(network=owner, is_active=True).order_by(
                "name"
            )
            current = {}
            if call is not None:
                current = {s.municipality_id: s.amount for s in call.shares.all()}
            share_initial = {
                "share_mode": call.share_mode if call else ShareMode.NETWORK,
                "redistribute_unused": call.redistribute_unused if call else False,
            }
            for m in municipalities:
                share_initial[f"share_{m.pk}"] = m.pk in current
                share_initial[f"share_{m.pk}_amount"] = euro_input(current.get(m.pk))
            self.shares = SharesForm(data, municipalities=municipalities, initial=share_initial)
        self.rules_errors: list[str] = []

    @property
    def parts(self):
        parts = [
            self.general,
            self.eligibility,
            self.amount,
            self.amount_bands,
            self.scoring,
            self.score_bands,
            self.tie_breaks,
            self.declarations,
            self.documents,
        ]
        return [*parts, self.shares] if self.shares is not None else parts

    def is_valid(self) -> bool:
        # Validate every part (no short-circuit), so that all the errors show at once.
        results = [part.is_valid() for part in self.parts]
        if not all(results):
            return False
        if self.amount.cleaned_data["kind"] == "isee_bands" and not self.amount_bands.rows():
            self.amount.add_error("kind", _("Indichi almeno una fascia ISEE con il suo importo."))
            return False
        try:
            engine.parse_rules(self.rules_json())
        except ValidationError as exc:
            self.rules_errors = exc.messages
            return False
        return True

    @property
    def has_errors(self) -> bool:
        return bool(self.rules_errors) or any(
            (part.errors if isinstance(part, forms.Form) else part.total_error_count())
            for part in self.parts
        )

    def error_summary(self) -> list[dict]:
        """Every error with the label of its field and the id to jump to, for the top of the
        page (the same messages also stand next to the fields)."""
        items = []

        def add(form, row=None):
            for name, errors in form.errors.items():
                label, anchor = None, None
                if name in form.fields:
                    label, anchor = form[name].label, form[name].auto_id
                    if row is not None:
                        label = _("riga %(n)s, %(label)s") % {"n": row, "label": label}
                items.extend({"label": label, "message": e, "id": anchor} for e in errors)

        for part in self.parts:
            if isinstance(part, forms.BaseFormSet):
                for n, row_form in enumerate(part.forms, start=1):
                    add(row_form, row=n)
                items.extend(
                    {"label": None, "message": e, "id": None} for e in part.non_form_errors()
                )
            else:
                add(part)
        items.extend({"label": None, "message": e, "id": None} for e in self.rules_errors)
        return items

    def rules_json(self) -> dict:
        elig = self.eligibility.cleaned_data
        amount = self.amount.cleaned_data
        scoring = self.scoring.cleaned_data
        return {
            "eligibility": {
                "municipalities": [],
                "isee_max": elig.get("isee_max"),
                "min_members": elig.get("min_members"),
                "requires_minor": elig["requires_minor"],
                "requires_over_75": elig["requires_over_75"],
                "requires_disabled": elig["requires_disabled"],
                "excluded_calls": list(elig.get("excluded_calls") or []),
            },
            "amount": {
                "kind": amount["kind"],
                "base": amount.get("base") or 0,
                "per_member": amount.get("per_member") or 0,
                "bands": [
                    {"isee_max": r["isee_max"], "amount": r["amount"]}
                    for r in self.amount_bands.rows()
                ],
                "extra_per_minor": amount.get("extra_per_minor") or 0,
                "extra_per_disabled": amount.get("extra_per_disabled") or 0,
                "extra_per_over_75": amount.get("extra_per_over_75") or 0,
                "cap": amount.get("cap"),
            },
            "scoring": {
                "isee_bands": [
                    {"isee_max": r["isee_max"], "points": r["points"]}
                    for r in self.score_bands.rows()
                ],
                **{k: scoring.get(f"points_{k}") or 0 for k in SCORING_KEYS},
            },
            "tie_breaks": self.tie_breaks.ordered(),
            "declarations": [
                {"code": r["code"], "text": r["text"]} for r in self.declarations.rows()
            ],
            "documents": [
                {"code": r["code"], "label": r["label"], "required": bool(r.get("required"))}
                for r in self.documents.rows()
            ],
        }

    def call_fields(self) -> dict:
        data = dict(self.general.cleaned_data)
        data["rules"] = self.rules_json()
        if self.call is not None and self.call.version > 1:
            data.pop("code")
        if self.shares is not None:
            data.update(self.shares.mode_fields())
        return data

    def share_list(self):
        """Shares for the service: None keeps a Comune's call as it is (its own residents)."""
        return self.shares.shares() if self.shares is not None else []

    def add_service_error(self, exc: ValidationError) -> None:
        """Put a service's refusal next to the field it is about."""
        if not hasattr(exc, "error_dict"):
            self.general.add_error(None, exc.messages)
            return
        for field, errors in exc.message_dict.items():
            if field == "rules":
                self.rules_errors.extend(errors)
            elif field in SHARE_ERRORS and self.shares is not None:
                self.shares.add_error(None, errors)
            elif field in self.general.fields:
                self.general.add_error(field, errors)
            else:
                self.general.add_error(None, errors)


class ReasonForm(forms.Form):
    """The reason for a lifecycle step (new version, early closing, closing out)."""

    reason = forms.CharField(
        label=_("Motivo"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, required=True, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].help_text = help_text
