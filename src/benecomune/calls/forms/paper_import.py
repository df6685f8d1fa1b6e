"""The upload form of paper applications (CSV or XLSX, checked by content in paper_sheet)."""

from django import forms
from django.utils.translation import gettext_lazy as _

ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PaperImportForm(forms.Form):
    file = forms.FileField(
        label=_("File compilato (CSV o XLSX)"),
        help_text=_("Usi il modello di questo bando: una riga per domanda."),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
