"""Pseudonymising the references to persons in the audit and in the ledger's causali, once
their retention period has passed (RetentionCategory.AUDIT and .LEDGER, 10 years by default).

Both tables are append-only in the database (triggers). Migration identity 0005 opens one
narrow door in those triggers: inside a transaction that has switched the pseudonymisation
pass on (`pseudonymising()`), an UPDATE passes only if it changes nothing but the personal
columns (audit: person, object_repr, before, after, reason, ip_address, with the person key
set to NULL; ledger: a transfer's memo). Amounts, accounts, actions, objects, actors and times
cannot change, so `ledger_check` and every count of the audit hold; rows are never deleted.

A pseudonym is a keyed HMAC (the project's SECRET_KEY, salted): stable (the same person or
codice fiscale always gets the same one, so the history stays readable as "the same person")
and not reversible without the key. No mapping table is kept: there is nothing to purge later.
"""

import re
from contextlib import contextmanager

from django.apps import apps
from django.db import connection
from django.utils.crypto import salted_hmac

# Keys whose values in an audit payload are personal, whatever the event.
PERSONAL_KEYS = {
    "first_name",
    "last_name",
    "full_name",
    "fiscal_code",
    "codice_fiscale",
    "birth_date",
    "birthplace_code",
    "email",
    "contact_email",
    "phone",
    "contact_phone",
    "address",
    "iban",
    "iban_holder",
    "payee",
    "to",
    "ip_address",
}
PERSON_KEYS = {"person", "person_id", "applicant", "applicant_id", "buyer", "buyer_id"}

FISCAL_CODE = re.compile(
    r"\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b", re.I
)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")
IBAN = re.compile(r"\b[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}\b")


def person_pseudonym(person_id) -> str:
    if person_id in (None, ""):
        return ""
    return salted_hmac("identity.retention", str(person_id)).hexdigest()[:16]


def value_pseudonym(value: str) -> str:
    digest = salted_hmac("identity.retention.value", value.strip().upper()).hexdigest()
    return f"psd-{digest[:12]}"


class Scrubber:
    """Replaces a person's identifiers (and anything shaped like a codice fiscale, an e-mail
    or an IBAN) in text and JSON with stable pseudonyms."""

    def __init__(self, people: list):
        self.words = []
        for person in people:
            names = [
                f"{person.first_name} {person.last_name}",
                f"{person.last_name} {person.first_name}",
                person.fiscal_code,
                person.email,
                person.phone,
                person.address,
                person.iban,
                person.iban_holder,
            ]
            self.words += [n for n in names if n and len(n.strip()) > 3]
        # Longest first: "Mario Rossi" before a shorter identifier inside it.
        self.words.sort(key=len, reverse=True)
        self.pattern = (
            re.compile("|".join(re.escape(w) for w in self.words), re.I) if self.words else None
        )

    def text(self, value: str) -> str:
        if not value:
            return value
        if self.pattern:
            value = self.pattern.sub(lambda m: value_pseudonym(m.group(0)), value)
        for regex in (FISCAL_CODE, EMAIL, IBAN):
            value = regex.sub(
                lambda m: (
                    m.group(0) if m.group(0).startswith("psd-") else value_pseudonym(m.group(0))
                ),
                value,
            )
        return value

    def json(self, value, key: str = ""):
        if isinstance(value, dict):
            return {k: self.json(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, key) for v in value]
        if key in PERSON_KEYS and isinstance(value, int) and not isinstance(value, bool):
            return person_pseudonym(value)
        if key in PERSONAL_KEYS and value not in (None, "", [], {}):
            return value_pseudonym(str(value))
        if isinstance(value, str):
            return self.text(value)
        return value


@contextmanager
def pseudonymising():
    """Open the triggers' pseudonymisation door for the current transaction only."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("SELECT set_config('benecomune.pseudonymise', 'on', true)")
        elif vendor == "sqlite":
            cursor.execute("INSERT INTO identity_pseudonymisation_pass (enabled) VALUES (1)")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if vendor == "postgresql":
                cursor.execute("SELECT set_config('benecomune.pseudonymise', 'off', true)")
            elif vendor == "sqlite":
                cursor.execute("DELETE FROM identity_pseudonymisation_pass")


def _people(ids) -> dict:
    person = apps.get_model("core.Person")
    return {p.pk: p for p in person._base_manager.filter(pk__in={i for i in ids if i})}


def pseudonymise_audit(events) -> list[tuple[object, int | None]]:
    """Rewrite the personal columns of `events` (a list of AuditEvent); returns the changed
    ones with the person they concerned. Must run inside `pseudonymising()`."""
    model = apps.get_model("core.AuditEvent")
    people = _people(e.person_id for e in events)
    changed = []
    for event in events:
        scrub = Scrubber([people[event.person_id]] if event.person_id in people else [])
        values = {
            "person_id": None,
            "object_repr": (
                f"persona {person_pseudonym(event.object_id)}"
                if event.object_type == "core.person"
                else scrub.text(event.object_repr)
            ),
            "before": scrub.json(event.before),
            "after": scrub.json(event.after),
            "reason": scrub.text(event.reason),
            "ip_address": None,
        }
        if any(getattr(event, k) != v for k, v in values.items()):
            model._base_manager.filter(pk=event.pk).update(**values)
            changed.append((event, event.person_id))
    return changed


def pseudonymise_transfers(transfers) -> list[tuple[object, int | None]]:
    """Rewrite the memo of `transfers` (with debit/credit accounts loaded) naming the persons
    who own either account; returns the changed ones. Must run inside `pseudonymising()`."""
    model = apps.get_model("ledger.Transfer")
    owners = [(t.debit_account.person_id, t.credit_account.person_id) for t in transfers]
    people = _people(i for pair in owners for i in pair)
    changed = []
    for transfer, pair in zip(transfers, owners, strict=True):
        memo = Scrubber([people[i] for i in pair if i in people]).text(transfer.memo)
        if memo != transfer.memo:
            model._base_manager.filter(pk=transfer.pk).update(memo=memo)
            changed.append((transfer, next((i for i in pair if i), None)))
    return changed
