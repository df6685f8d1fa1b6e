"""Audit events in plain Italian: who (role), what (action), on what (object), with which values.

The audit rows keep codes ("municipality_admin", "ledger.payment", {"amount": 45000}) because
codes are stable; everything that shows them to a person (the audit page, its CSV export, the
activity feeds on the home pages and on detail pages) goes through these functions, so that no
page prints a code. Apps register how to describe their objects and values in `ready()`.
"""

from collections.abc import Callable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.core.audit import action_label
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
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


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
        if key in DETAIL_NAMES:
            name = str(DETAIL_NAMES[key])
        else:
            name = str(field.verbose_name) if field is not None else key.replace("_", " ")
        parts.append(f"{name}: {_value_text(key, value, field)}")
    return " · ".join(parts)


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
}
# Technical keys kept in the row for investigations but not shown to readers.
HIDDEN_KEYS = {"key", "object"}


def register_detail_names(names: dict) -> None:
    DETAIL_NAMES.update(names)
