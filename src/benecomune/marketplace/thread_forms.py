"""Forms of the threads' pages: they collect input; services/threads.py checks it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.core.forms_helpers import CONSENT_HELP, CONSENT_LABEL
from benecomune.marketplace.models import AbuseStatus


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks each (type by content, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


FILES_HELP = _("Facoltativi: fino a 3 file PDF, JPEG o PNG, al massimo 5 MB ciascuno.")


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Messaggio"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    files = MultipleFileField(label=_("Allegati"), required=False, help_text=FILES_HELP)


class StartForm(MessageForm):
    subject = forms.CharField(label=_("Oggetto"), max_length=200, required=False)
    field_order = ["subject", "text", "files"]


class DeskStartForm(StartForm):
    consent_note = forms.CharField(label=CONSENT_LABEL, max_length=200, help_text=CONSENT_HELP)


class DeskMessageForm(MessageForm):
    consent_note = forms.CharField(label=CONSENT_LABEL, max_length=200, help_text=CONSENT_HELP)


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Perché segnala questo messaggio"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class HandleReportForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decisione"),
        choices=[
            (AbuseStatus.DISMISSED, _("Archiviare: il messaggio resta visibile")),
            (AbuseStatus.HIDDEN, _("Nascondere il messaggio")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Nota (obbligatoria per nascondere)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InboxFilterForm(forms.Form):
    stato = forms.ChoiceField(
        label=_("Stato"),
        required=False,
        choices=[("", _("Tutte")), ("open", _("Aperte")), ("closed", _("Chiuse"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    da_leggere = forms.BooleanField(label=_("Solo da leggere"), required=False)
