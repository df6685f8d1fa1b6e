"""Forms of the review pages. They only shape input; the services decide what is allowed."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.calls.models import ApplicationStatus
from benecomune.calls.services.review import CLARIFICATION_DAYS, OUTCOMES, PROPOSALS

# Drafts are the applicant's private work: the review pages never show them.
LIST_STATUSES = [(v, label) for v, label in ApplicationStatus.choices if v != "draft"]


class ReviewFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Protocollo, codice fiscale o nome"), required=False, max_length=100
    )
    call = forms.TypedChoiceField(label=_("Bando"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Stato"), required=False, choices=[("", _("Tutti gli stati")), *LIST_STATUSES]
    )
    mismatch = forms.BooleanField(label=_("Solo con difformità nelle verifiche"), required=False)

    def __init__(self, *args, calls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].choices = [("", _("Tutti i bandi"))] + [(c.pk, str(c)) for c in calls]


class ChecklistForm(forms.Form):
    """One outcome and one note per checklist item (fields `<key>__outcome`, `<key>__note`)."""

    note = forms.CharField(
        label=_("Note istruttorie"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"{item['key']}__outcome"] = forms.ChoiceField(
                label=item["label"],
                required=False,
                choices=list(OUTCOMES.items()),
                widget=forms.RadioSelect,
            )
            self.fields[f"{item['key']}__note"] = forms.CharField(
                label=_("Nota"), required=False, max_length=1000
            )

    @staticmethod
    def initial_for(application) -> dict:
        initial = {"note": application.review_note}
        for key, value in (application.checklist or {}).get("items", {}).items():
            initial[f"{key}__outcome"] = value.get("outcome", "")
            initial[f"{key}__note"] = value.get("note", "")
        return initial

    def rows(self):
        """(item, outcome field, note field) per item, for the template."""
        for item in self.items:
            yield item, self[f"{item['key']}__outcome"], self[f"{item['key']}__note"]

    def checklist(self) -> dict:
        data = self.cleaned_data
        return {
            item["key"]: {
                "outcome": data.get(f"{item['key']}__outcome", ""),
                "note": data.get(f"{item['key']}__note", ""),
            }
            for item in self.items
        }


class ClarificationForm(forms.Form):
    message = forms.CharField(
        label=_("Che cosa deve integrare il richiedente"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_date = forms.DateField(
        label=_("Entro il"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {"due_date": timezone.localdate() + datetime.timedelta(days=CLARIFICATION_DAYS)},
        )
        super().__init__(*args, **kwargs)


class InstructionForm(forms.Form):
    proposal = forms.ChoiceField(
        label=_("Proposta al convalidatore"),
        choices=list(PROPOSALS.items()),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Motivazione della proposta"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


DECISIONS = [("approve", _("Ammetti")), ("reject", _("Respingi"))]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decisione"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Obbligatoria per respingere, per ammettere in deroga alle regole e per decidere "
            "diversamente dalla proposta dello sportello."
        ),
    )


class BulkDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decisione"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Motivazione"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obbligatoria per respingere. Vale per tutte le domande selezionate."),
    )
    # The selected ids are read from the request: the service checks each one (tenant, status,
    # maker-checker), so no choice list is needed here.
    all_matching = forms.BooleanField(required=False)
