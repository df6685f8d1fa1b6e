"""Audit events in plain Italian: who (role), what (action), on what (object), with which values.

The audit rows keep codes ("municipality_admin", "ledger.payment", {"amount": 45000}) because
codes are stable; everything that shows them to a person (the audit page, its CSV export, the
activity feeds on the home pages and on detail pages) goes through these functions, so that no
page prints a code. Apps register how to describe their objects and values in `ready()`.
"""

import re
from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.core.audit import action_label
from benecomune.core.dates import weekday_name
from benecomune.core.models import Role

# object_type ("ledger.transfer") -> function(event) -> Italian description of the object.
OBJECT_LABELS: dict[str, Callable] = {}
# key of before/after ("amount") -> function(value) -> text; used for ints only (cents).
VALUE_FORMATS: dict[str, Callable] = {}


def register_object_label(object_type: str, describe: Callable) -> None:
    OBJECT_LABELS[object_type] = describe


def register_value_format(keys, fmt: Callable) -> None:
    for key in keys:
        VALUE_FORMATS[key] = fmt


# key -> {code written in the row: its Italian label} for values that are codes ("by": "point").
VALUE_LABELS: dict[str, dict] = {}


def register_value_labels(key: str, labels: dict) -> None:
    VALUE_LABELS.setdefault(key, {}).update(labels)


def role_label(role: str) -> str:
    """The role the actor held, in Italian. System actors store their command's name: the
    reader needs to know that no person acted, not which command it was."""
    if not role:
        return ""
    if role in Role.values:
        return str(Role(role).label)
    if role == "citizen":
        return _("Cittadino")
    return _("Procedura automatica")


def actor_label(event) -> str:
    """Who acted: the person's name, or the role when no person did (a procedure)."""
    if event.actor_id and event.actor is not None:
        return event.actor.full_name or event.actor.email
    return role_label(event.actor_role)


def object_label(event) -> str:
    """The object of the event described in Italian ("Movimento n. 85 di € 450,00")."""
    describe = OBJECT_LABELS.get(event.object_type)
    if describe is not None:
        text = describe(event)
        if text:
            return str(text)
    return event.object_repr


def _model_field(object_type: str, key: str):
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    # A reverse relation ("legs" of a payment intent, "lines" of a debit note) has the key's
    # name but no verbose name: the key is then a count or a list, named by DETAIL_NAMES.
    return field if hasattr(field, "verbose_name") else None


# Values written as codes the reader cannot read: ISO dates and times (UTC), weekdays as numbers
# ("0 09:00-12:00", Monday's hours).
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEKDAY_HOURS = re.compile(r"^([0-6])[ :](\d{1,2}:\d{2}\s*-\s*\d{1,2}:\d{2})$")
WEEKDAY_KEYS = {"weekday", "weekdays"}


def _text(value: str) -> str:
    """A date, a time or a weekday's hours written for a person: '8 dicembre 2026, 10:30'
    (local time), 'lunedì 09:00-12:00'; any other text as it is."""
    if _ISO_DATETIME.match(value):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "j F Y, H:i")
    if _ISO_DATE.match(value):
        day = parse_date(value)
        if day is not None:
            return formats.date_format(day, "j F Y")
    hours = _WEEKDAY_HOURS.match(value)
    if hours:
        return f"{weekday_name(int(hours.group(1)))} {hours.group(2)}"
    return value


def _item_text(key: str, value) -> str:
    if key in VALUE_FORMATS and type(value) is int:
        return VALUE_FORMATS[key](value)
    if isinstance(value, str) and value in VALUE_LABELS.get(key, {}):
        return str(VALUE_LABELS[key][value])
    if key in WEEKDAY_KEYS and type(value) is int and 0 <= value <= 6:
        return weekday_name(value)
    return _text(value) if isinstance(value, str) else str(value)


def _value_text(key: str, value, field) -> str:
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    if value is None or value == "":
        return "—"
    if key in VALUE_FORMATS and type(value) is int:
        return VALUE_FORMATS[key](value)
    if key == "role" and isinstance(value, str):
        return role_label(value)
    choices = getattr(field, "flatchoices", None) if field is not None else None
    if choices:
        return str(dict(choices).get(value, value))
    if isinstance(value, list):
        if any(isinstance(item, list | dict) for item in value):
            return str(len(value))  # structured rows (a payment's legs): their number, no codes
        return ", ".join(_item_text(key, item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_item_text(key, v)}" for k, v in value.items())
    return _item_text(key, value)


def values_label(event, values: dict | None) -> str:
    """One before/after dict as "importo: € 450,00 · stato: Approvata". Keys are named from
    DETAIL_NAMES, else from the object's model field (its verbose name); a field's choices
    give the values' labels."""
    if not values:
        return ""
    parts = []
    for key, value in values.items():
        if key in HIDDEN_KEYS:
            continue
        field = _model_field(event.object_type, key) if event.object_type else None
        parts.append(f"{detail_name(key, field)}: {_value_text(key, value, field)}")
    return " · ".join(parts)


def _named(field) -> bool:
    """A field with its own verbose name (Django's default is the code with spaces)."""
    return field is not None and str(field.verbose_name) != field.name.replace("_", " ")


@cache
def _field_names() -> dict[str, set[str]]:
    """Key -> the verbose names of the project's fields called so (lazy: read per language)."""
    names: dict[str, set] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if hasattr(field, "verbose_name") and _named(field):
                names.setdefault(field.name, set()).add(field)
    return names


def detail_name(key: str, field=None) -> str:
    """The Italian name of a before/after key: the object's own field (its verbose name) for
    plain values; DETAIL_NAMES (apps register theirs) for amounts, counts and references;
    else the only verbose name the project's fields called so have. The code never shows."""
    if _named(field) and key not in VALUE_FORMATS:
        return str(field.verbose_name)
    if key in DETAIL_NAMES:
        return str(DETAIL_NAMES[key])
    if field is not None:
        return str(field.verbose_name)
    same = {str(f.verbose_name) for f in _field_names().get(key, ())}
    if len(same) == 1:
        return same.pop()
    return key.replace("_", " ")


def has_italian_name(key: str) -> bool:
    """Whether `detail_name` names the key without knowing its object (the guardrail's test)."""
    if key in VALUE_FORMATS:  # amounts: the fields' names say "(centesimi)", the value is in euro
        return key in DETAIL_NAMES
    return key in HIDDEN_KEYS or detail_name(key) != key.replace("_", " ")


def event_row(event) -> dict:
    """Everything a page or an export shows of one event, in Italian."""
    return {
        "when": event.created_at,
        "who": actor_label(event),
        "role": role_label(event.actor_role),
        "action": action_label(event.action),
        "object": object_label(event),
        "before": values_label(event, event.before),
        "after": values_label(event, event.after),
    }


# Names of the keys that are not model fields (totals, counts, references); apps add theirs.
DETAIL_NAMES: dict[str, str] = {
    "amount": gettext_lazy("importo"),
    "total": gettext_lazy("totale"),
    "count": gettext_lazy("quanti"),
    "status": gettext_lazy("stato"),
    "role": gettext_lazy("ruolo"),
    "user": gettext_lazy("utente"),
    "person": gettext_lazy("persona"),
    "name": gettext_lazy("nome"),
    "email": gettext_lazy("e-mail"),
    "iban": gettext_lazy("IBAN"),
    "is_active": gettext_lazy("attivo"),
    "reason": gettext_lazy("motivo"),
    "protocol": gettext_lazy("protocollo"),
    "call": gettext_lazy("bando"),
    "fund": gettext_lazy("fondo"),
    "wallet": gettext_lazy("buono"),
    "transfer": gettext_lazy("movimento"),
    "reversal": gettext_lazy("storno"),
    "reservation": gettext_lazy("prenotazione"),
    "merchant": gettext_lazy("negozio"),
    "card": gettext_lazy("tessera"),
    "circuit": gettext_lazy("circuito"),
    "open": gettext_lazy("ancora prenotato"),
    "paid": gettext_lazy("pagato"),
    "awards": gettext_lazy("assegnazioni"),
    "members": gettext_lazy("componenti"),
    "items": gettext_lazy("voci"),
    "kind": gettext_lazy("tipo"),
    "number": gettext_lazy("numero"),
    "version": gettext_lazy("versione"),
    "eligible": gettext_lazy("ammissibile"),
    "debit": gettext_lazy("conto addebitato"),
    "credit": gettext_lazy("conto accreditato"),
    "first_transfer": gettext_lazy("primo movimento"),
    "last_transfer": gettext_lazy("ultimo movimento"),
    "legs": gettext_lazy("fonti di pagamento"),
    "lines": gettext_lazy("righe"),
    # Keys that are fields of several models, each with its own name: the generic one when the
    # event's object is not that model.
    "address": gettext_lazy("indirizzo"),
    "answer": gettext_lazy("risposta"),
    "beneficiary": gettext_lazy("beneficiario"),
    "booker": gettext_lazy("prenotata da"),
    "categories": gettext_lazy("categorie"),
    "channel": gettext_lazy("modalità"),
    "code": gettext_lazy("codice"),
    "consent_note": gettext_lazy("modalità del consenso"),
    "disability": gettext_lazy("disabilità certificata"),
    "fiscal_code": gettext_lazy("codice fiscale"),
    "issued_on": gettext_lazy("rilasciato il"),
    "method": gettext_lazy("modalità"),
    "note": gettext_lazy("nota"),
    "outcome": gettext_lazy("esito"),
    "point": gettext_lazy("Punto Welfare"),
    "provider": gettext_lazy("fornitore"),
    "received_on": gettext_lazy("ricevuto il"),
    "relationship": gettext_lazy("relazione"),
    "score": gettext_lazy("punteggio"),
    "source": gettext_lazy("provenienza"),
    "starts_at": gettext_lazy("inizio"),
    "text": gettext_lazy("testo"),
    "title": gettext_lazy("titolo"),
    "valid_from": gettext_lazy("valido dal"),
    "valid_until": gettext_lazy("valido fino al"),
    # Keys any app may write.
    "by": gettext_lazy("da chi"),
    "on_behalf_of": gettext_lazy("per conto di"),
    "from": gettext_lazy("dal"),
    "until": gettext_lazy("fino al"),
    "today": gettext_lazy("data"),
    "days": gettext_lazy("giorni"),
    "order": gettext_lazy("ordine"),
    "application": gettext_lazy("domanda"),
    "applications": gettext_lazy("domande"),
    "booking": gettext_lazy("prenotazione"),
    "file": gettext_lazy("file caricato"),
    "row": gettext_lazy("riga"),
    "rows": gettext_lazy("righe"),
    "created": gettext_lazy("creati"),
    "updated": gettext_lazy("aggiornati"),
    "sha256": gettext_lazy("impronta del file"),
    "file_sha256": gettext_lazy("impronta del file"),
    "attempts": gettext_lazy("tentativi"),
    "membership": gettext_lazy("incarico"),
    "head": gettext_lazy("intestatario"),
    "prefix": gettext_lazy("inizio del codice"),
}
# Technical keys kept in the row for investigations but not shown to readers.
HIDDEN_KEYS = {"key", "object"}


def register_detail_names(names: dict) -> None:
    DETAIL_NAMES.update(names)
