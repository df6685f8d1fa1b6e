"""Forms of the agenda's staff pages. They only collect input: the services check it. The
resources offered are read in the request's scope (the provider's staff's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.bookings.models import LatePolicy, Resource, ResourceKind
from benecomune.marketplace.district_forms import DATE, SLOTS_PER_DAY, TIME, WeekForm
from benecomune.marketplace.models import Weekday


class NewResourceForm(forms.Form):
    name = forms.CharField(
        label=_("Nome"),
        max_length=100,
        help_text=_("Per esempio: Anna, educatrice; Sala grande; Pulmino 9 posti."),
    )
    kind = forms.ChoiceField(label=_("Tipo"), choices=ResourceKind.choices)


class ResourceForm(NewResourceForm):
    active = forms.BooleanField(
        label=_("Attiva: compare nelle disponibilità"), required=False, initial=True
    )


class WorkingWeekForm(WeekForm):
    """The shop's week form with the words of a working week: two ranges a day, the gap
    between them is the break."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for day in Weekday:
            for n in range(1, SLOTS_PER_DAY + 1):
                values = {"day": day.label, "n": n}
                self.fields[f"d{day.value}_open{n}"].label = (
                    _("%(day)s, fascia %(n)s: dalle") % values
                )
                self.fields[f"d{day.value}_close{n}"].label = (
                    _("%(day)s, fascia %(n)s: alle") % values
                )


class ExceptionForm(forms.Form):
    date = forms.DateField(label=_("Giorno"), widget=DATE)
    resource = forms.ModelChoiceField(
        label=_("Risorsa"),
        queryset=Resource.objects_unscoped.none(),
        required=False,
        empty_label=_("Tutte le risorse"),
    )
    closed = forms.TypedChoiceField(
        label=_("Che cosa cambia"),
        choices=[
            ("1", _("Chiuso tutto il giorno")),
            ("0", _("Aperto solo negli orari indicati (apertura straordinaria)")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    starts_at = forms.TimeField(label=_("Aperto dalle"), required=False, widget=TIME)
    ends_at = forms.TimeField(label=_("Aperto fino alle"), required=False, widget=TIME)
    note = forms.CharField(
        label=_("Nota"),
        max_length=200,
        required=False,
        help_text=_("Per esempio: festa del patrono."),
    )

    def __init__(self, *args, provider=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = Resource.objects.filter(provider=provider)


class BlockedPeriodForm(forms.Form):
    start_date = forms.DateField(label=_("Dal giorno"), widget=DATE)
    start_time = forms.TimeField(label=_("dalle ore"), widget=TIME)
    end_date = forms.DateField(label=_("Al giorno"), widget=DATE)
    end_time = forms.TimeField(label=_("alle ore"), widget=TIME)
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=200,
        required=False,
        help_text=_("Per esempio: formazione, manutenzione del mezzo."),
    )


class ScheduleForm(forms.Form):
    duration_minutes = forms.IntegerField(label=_("Durata di un turno, in minuti"))
    capacity = forms.IntegerField(
        label=_("Posti per turno"),
        help_text=_("1 per una visita a domicilio; per un laboratorio i posti della sala."),
    )
    step_minutes = forms.IntegerField(
        label=_("Un turno ogni, in minuti"),
        help_text=_("Ogni quanto può iniziare un turno: 30 propone 9:00, 9:30, 10:00…"),
    )
    buffer_before_minutes = forms.IntegerField(
        label=_("Margine prima, in minuti"),
        help_text=_("Tempo libero prima di ogni turno, ad esempio per lo spostamento."),
    )
    buffer_after_minutes = forms.IntegerField(
        label=_("Margine dopo, in minuti"),
        help_text=_("Tempo libero dopo ogni turno, ad esempio per riordinare la sala."),
    )
    min_notice_hours = forms.IntegerField(label=_("Preavviso minimo, in ore"))
    window_days = forms.IntegerField(
        label=_("Prenotabile fino a quanti giorni prima"),
        help_text=_("Ad esempio 90: si prenota al massimo tre mesi prima."),
    )
    needs_review = forms.BooleanField(
        label=_("Le prenotazioni vanno confermate dal fornitore"),
        help_text=_("Altrimenti una prenotazione è confermata subito."),
        required=False,
    )
    cancellation_deadline_hours = forms.IntegerField(
        label=_("Annullamento gratuito fino a quante ore prima"),
        help_text=_("Entro questo termine il cittadino può anche spostare la prenotazione."),
        required=False,
    )
    reminder_hours = forms.IntegerField(
        label=_("Promemoria, quante ore prima"),
        help_text=_("Il promemoria con il file per il calendario; 0: nessun promemoria."),
        required=False,
    )
    late_policy = forms.ChoiceField(
        label=_("Annullamento dopo il termine o assenza"),
        choices=LatePolicy.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    resources = forms.ModelMultipleChoiceField(
        label=_("Chi o che cosa svolge il servizio"),
        queryset=Resource.objects_unscoped.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, provider=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = Resource.objects.filter(provider=provider, active=True)


class SeriesForm(forms.Form):
    title = forms.CharField(label=_("Titolo"), max_length=150)
    first_day = forms.DateField(label=_("Dal giorno"), widget=DATE)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Nei giorni"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    weeks = forms.IntegerField(
        label=_("Per quante settimane"),
        help_text=_(
            "Ogni martedì per 10 settimane: martedì, 10. Una settimana di centro "
            "estivo: da lunedì a venerdì, 1."
        ),
    )
    starts_at = forms.TimeField(label=_("Dalle"), widget=TIME)
    ends_at = forms.TimeField(label=_("Alle"), widget=TIME)
    capacity = forms.IntegerField(label=_("Posti"))
    resource = forms.ModelChoiceField(
        label=_("Risorsa impegnata"),
        queryset=Resource.objects_unscoped.none(),
        required=False,
        empty_label=_("Nessuna"),
        help_text=_("Negli orari della serie la risorsa non compare tra le disponibilità."),
    )

    def __init__(self, *args, provider=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resource"].queryset = Resource.objects.filter(provider=provider, active=True)
