"""Forms of the reviews' pages: they collect input; services/reviews.py checks it."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from benecomune.core.forms_helpers import CONSENT_HELP, CONSENT_LABEL
from benecomune.marketplace.models import RATING_MAX, RATING_MIN, ReviewStatus
from benecomune.marketplace.services.reviews import ANSWER_MAX, COMMENT_MAX, REASON_MAX


def rating_choices() -> list[tuple[str, str]]:
    """5 down to 1, each said in words (read by screen readers as the radio's label)."""
    return [
        (str(n), ngettext("%(n)s stella su 5", "%(n)s stelle su 5", n) % {"n": n})
        for n in range(RATING_MAX, RATING_MIN - 1, -1)
    ]


class ReviewForm(forms.Form):
    rating = forms.ChoiceField(label=_("Valutazione"), choices=(), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Commento"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Facoltativo. Sarà pubblicato con il suo nome e l'iniziale del cognome: non scriva "
            "dati personali."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = rating_choices()


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Risposta"),
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Si risponde una sola volta; la risposta è pubblica."),
    )


class ModerateForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewFilterForm(forms.Form):
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutte")), *ReviewStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class DeskReviewForm(ReviewForm):
    """The desk writes for the citizen: how they consented (core.on_behalf)."""

    consent_note = forms.CharField(label=CONSENT_LABEL, max_length=200, help_text=CONSENT_HELP)
