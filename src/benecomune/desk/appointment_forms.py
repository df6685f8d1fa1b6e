"""Forms of the appointments at a Point: they collect input; services/appointments.py checks
it (the hours' order and overlaps, the slot still free)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from benecomune.bookings.slots import ROME
from benecomune.desk.models import WEEKDAYS
from benecomune.desk.services.appointments import HoursRange

RANGES_PER_DAY = 2
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AppointmentSettingsForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("I cittadini possono prenotare un appuntamento"), required=False
    )
    minutes = forms.IntegerField(
        label=_("Durata di un appuntamento (minuti)"), min_value=10, max_value=240
    )
    desks = forms.IntegerField(
        label=_("Appuntamenti alla stessa ora"),
        min_value=1,
        max_value=20,
        help_text=_("Quanti operatori ricevono nello stesso momento."),
    )
    notice_hours = forms.IntegerField(label=_("Preavviso minimo (ore)"), min_value=0, max_value=168)
    window_days = forms.IntegerField(
        label=_("Prenotabile fino a (giorni)"), min_value=1, max_value=180
    )

    def __init__(self, *args, hours=(), **kwargs):
        super().__init__(*args, **kwargs)
        by_day: dict[int, list] = {}
        for h in hours:
            by_day.setdefault(h.weekday, []).append(h)
        self.days = []
        for number, name in WEEKDAYS:
            fields = []
            for index in range(RANGES_PER_DAY):
                existing = by_day.get(number, [])
                current = existing[index] if index < len(existing) else None
                for end in ("opens", "closes"):
                    key = f"d{number}_{index}_{end}"
                    label = _("dalle") if end == "opens" else _("alle")
                    if index:
                        label = _("seconda fascia, %(end)s") % {"end": label}
                    self.fields[key] = forms.TimeField(
                        label=f"{name}, {label}",
                        required=False,
                        widget=TIME,
                        initial=getattr(current, end, None),
                    )
                    fields.append(key)
            self.days.append((name, [self[f] for f in fields]))

    def clean(self):
        data = super().clean()
        ranges = []
        for number, name in WEEKDAYS:
            for index in range(RANGES_PER_DAY):
                opens = data.get(f"d{number}_{index}_opens")
                closes = data.get(f"d{number}_{index}_closes")
                if opens and closes:
                    ranges.append(HoursRange(number, opens, closes))
                elif opens or closes:
                    self.add_error(
                        f"d{number}_{index}_closes" if opens else f"d{number}_{index}_opens",
                        _("Per %(day)s indichi sia l'ora di apertura sia quella di chiusura.")
                        % {"day": name},
                    )
        data["hours"] = ranges
        return data


class BookAppointmentForm(forms.Form):
    slot = forms.ChoiceField(label=_("Giorno e ora"), widget=forms.RadioSelect)
    topic = forms.CharField(
        label=_("Di che cosa vuole parlare (facoltativo)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {s.start.isoformat(): s for s in slots}
        self.fields["slot"].choices = [
            (key, s.local_start.strftime("%d/%m/%Y %H:%M")) for key, s in self.slots.items()
        ]
        self.fields["slot"].error_messages["invalid_choice"] = _(
            "L'orario scelto non è più libero: ne scelga un altro."
        )

    def by_day(self):
        """The choices grouped by local day, for a fieldset per day."""
        days: dict = {}
        for key, slot in self.slots.items():
            days.setdefault(slot.start.astimezone(ROME).date(), []).append((key, slot))
        return sorted(days.items())


class OperatorBookForm(BookAppointmentForm):
    fiscal_code = forms.CharField(label=_("Codice fiscale della persona"), max_length=16)
    field_order = ["fiscal_code", "slot", "topic"]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Motivo (lo riceverà la persona)"), max_length=300)


class ClosureForm(forms.Form):
    """A closure of the Point: the days, and the hours when it is not closed all day."""

    first_day = forms.DateField(label=_("Dal giorno"), widget=DATE)
    last_day = forms.DateField(
        label=_("Al giorno (compreso)"),
        required=False,
        widget=DATE,
        help_text=_("Vuoto: un giorno solo."),
    )
    starts_at = forms.TimeField(
        label=_("Dalle ore"),
        required=False,
        widget=TIME,
        help_text=_("Vuoto: dall'apertura."),
    )
    ends_at = forms.TimeField(
        label=_("Alle ore"),
        required=False,
        widget=TIME,
        help_text=_("Vuoto: fino alla chiusura. Senza ore il Punto è chiuso tutto il giorno."),
    )
    reason = forms.CharField(
        label=_("Motivo"),
        max_length=200,
        help_text=_(
            "Per esempio «Festa della Repubblica» o «Assemblea del personale». Lo vede anche "
            "chi cerca un appuntamento: non scriva dati personali."
        ),
    )
