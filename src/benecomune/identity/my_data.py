"""What the platform holds about a person: one category per kind of record, each a set of
rows, for "I miei dati" and its export (a ZIP of JSON, one file per category, and a PDF).

tests/identity/test_my_data_registry.py fails when a model with a foreign key to core.Person
or core.Household is neither exported here (`Category.models`) nor in EXEMPT_MODELS: a new
kind of personal data cannot be left out of the right of access by mistake.

Rows are read with the unscoped managers: the person's own data across every Comune,
provider and company is the point, and every query is filtered by the person.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# Never exported: secrets and storage internals.
NEVER = {"password", "rank_key", "sha256", "payee_key", "file", "pdf", "secret", "key_hash"}


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    models: tuple[str, ...]
    rows: Callable[[object], list[dict]]


def _fields(model, only=None) -> list[str]:
    names = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField) or field.name in NEVER:
            continue
        if only is None or field.name in only:
            names.append(field.attname)
    return names


def _rows(label: str, where: Callable[[object], Q], only=None, order="pk"):
    model = apps.get_model(label)

    def rows(person) -> list[dict]:
        return list(
            model._base_manager.filter(where(person))
            .order_by(order)
            .values(*_fields(model, only))
            .distinct()
        )

    return rows


def _household_ids(person) -> list[int]:
    member = apps.get_model("core.HouseholdMember")
    return list(member.objects.filter(person=person).values_list("household_id", flat=True))


def _household(person) -> list[dict]:
    member = apps.get_model("core.HouseholdMember")
    return list(
        member.objects.filter(household_id__in=_household_ids(person))
        .order_by("pk")
        .values(
            "household_id",
            "household__address",
            "household__municipality__name",
            "person__first_name",
            "person__last_name",
            "person__fiscal_code",
            "relationship",
            "since",
        )
    )


def _consents(person) -> list[dict]:
    from benecomune.identity.consents import consents_of

    return [
        {
            "given_at": c.given_at,
            "purpose": c.purpose,
            "how": c.how,
            "subject": c.subject,
            "withdrawable": c.withdrawable,
        }
        for c in consents_of(person.pk)
    ]


def _access_log(person) -> list[dict]:
    entry = apps.get_model("identity.AccessLogEntry")
    return list(
        entry.objects_unscoped.filter(person=person)
        .order_by("created_at")
        .values("created_at", "role", "actor_organization__name", "kind", "object_id", "reason")
    )


def _desk_cases(person) -> list[dict]:
    """The person's cases at the Welfare Points, their needs and the notes the Point shares
    with them. Confidential notes are the operators' working notes (GDPR art. 15(4), art. 23):
    the data protection contact handles a request for them."""
    case = apps.get_model("desk.Case")
    note = apps.get_model("desk.CaseNote")
    rows = list(
        case.objects_unscoped.filter(person=person)
        .order_by("opened_at")
        .values(
            "id",
            "protocol",
            "point__name",
            "status",
            "urgency",
            "source",
            "summary",
            "outcome",
            "outcome_note",
            "next_review_on",
            "opened_at",
            "closed_at",
        )
    )
    orientation = apps.get_model("desk.OrientationItem")
    for row in rows:
        # The orientations given to the person: what was proposed and why.
        row["orientation"] = list(
            orientation.objects_unscoped.filter(
                orientation__case_id=row["id"], orientation__person=person
            )
            .order_by("orientation__given_at", "position")
            .values("orientation__given_at", "title", "detail", "reasons", "unknowns")
        )
        row["needs"] = list(
            case.needs.through.objects.filter(case_id=row["id"])
            .order_by("need__area__position", "need__position")
            .values_list("need__name", flat=True)
        )
        row["notes"] = list(
            note.objects_unscoped.filter(case_id=row["id"], confidential=False)
            .order_by("created_at")
            .values("created_at", "text")
        )
    return rows


def _mine(field="person"):
    return lambda person: Q(**{field: person})


CATEGORIES: list[Category] = [
    Category(
        "persona",
        _("Dati anagrafici e di contatto"),
        ("core.Person",),
        _rows("core.Person", lambda p: Q(pk=p.pk)),
    ),
    Category(
        "account",
        _("Account di accesso"),
        ("core.User",),
        _rows(
            "core.User",
            _mine(),
            only={"email", "full_name", "date_joined", "last_login", "is_active"},
        ),
    ),
    Category(
        "app",
        _("App collegate (chiavi di accesso)"),
        ("core.CitizenToken",),
        _rows(
            "core.CitizenToken",
            lambda p: Q(user__person=p),
            only={"name", "prefix", "created_at", "last_used_at", "revoked_at"},
        ),
    ),
    Category(
        "nucleo",
        _("Nucleo familiare"),
        ("core.HouseholdMember", "core.Household"),
        _household,
    ),
    Category(
        "domande",
        _("Domande ai bandi"),
        ("calls.Application",),
        _rows(
            "calls.Application",
            lambda p: Q(applicant=p) | Q(members__person=p),
        ),
    ),
    Category(
        "componenti_domande",
        _("Persone indicate nelle domande"),
        ("calls.ApplicationMember",),
        _rows(
            "calls.ApplicationMember",
            lambda p: Q(person=p) | Q(application__applicant=p),
        ),
    ),
    Category(
        "assegnazioni", _("Benefici assegnati"), ("calls.Award",), _rows("calls.Award", _mine())
    ),
    Category(
        "borsellini", _("Buoni e borsellini"), ("ledger.Wallet",), _rows("ledger.Wallet", _mine())
    ),
    Category("conti", _("Saldi dei conti"), ("ledger.Account",), _rows("ledger.Account", _mine())),
    Category(
        "movimenti",
        _("Movimenti dei borsellini"),
        ("ledger.Entry",),
        _rows("ledger.Entry", lambda p: Q(account__person=p), order="created_at"),
    ),
    Category(
        "rimborsi",
        _("Richieste di rimborso"),
        ("payouts.ExpenseClaim",),
        _rows("payouts.ExpenseClaim", _mine()),
    ),
    Category(
        "pagamenti_ricevuti",
        _("Pagamenti ricevuti dal Comune"),
        ("payouts.PayoutOrder",),
        _rows("payouts.PayoutOrder", _mine()),
    ),
    Category(
        "prenotazioni",
        _("Ordini e prenotazioni di servizi"),
        ("bookings.Order",),
        _rows("bookings.Order", _mine("buyer")),
    ),
    Category(
        "prenotazioni-agenda",
        _("Prenotazioni sull'agenda dei fornitori"),
        ("bookings.Booking",),
        _rows("bookings.Booking", lambda p: Q(person=p) | Q(booker=p)),
    ),
    Category(
        "liste-attesa",
        _("Liste d'attesa dei turni completi"),
        ("bookings.WaitlistEntry",),
        _rows("bookings.WaitlistEntry", lambda p: Q(person=p) | Q(booker=p)),
    ),
    Category(
        "pagamenti",
        _("Pagamenti dei servizi"),
        ("payments.PaymentIntent",),
        _rows("payments.PaymentIntent", _mine("buyer")),
    ),
    Category(
        "conversazioni",
        _("Conversazioni con i fornitori"),
        ("marketplace.Thread",),
        _rows("marketplace.Thread", _mine()),
    ),
    Category(
        "messaggi",
        _("Messaggi delle conversazioni"),
        ("marketplace.Message",),
        _rows("marketplace.Message", lambda p: Q(thread__person=p)),
    ),
    Category(
        "recensioni",
        _("Recensioni scritte"),
        ("marketplace.Review",),
        _rows("marketplace.Review", _mine()),
    ),
    Category(
        "lavoro",
        _("Rapporti di lavoro (welfare aziendale)"),
        ("corporate.Employee",),
        _rows("corporate.Employee", _mine()),
    ),
    Category(
        "dichiarazioni-welfare",
        _("Figli a carico dichiarati (welfare aziendale)"),
        ("corporate.DependentChild",),
        _rows("corporate.DependentChild", lambda p: Q(employee__person=p)),
    ),
    Category(
        "altri-fringe-benefit",
        _("Altri fringe benefit dichiarati"),
        ("corporate.OtherFringeBenefit",),
        _rows("corporate.OtherFringeBenefit", lambda p: Q(employee__person=p)),
    ),
    Category(
        "punti-welfare",
        _("Casi ai Punti Welfare"),
        ("desk.Case", "desk.Orientation"),
        _desk_cases,
    ),
    Category(
        "deleghe",
        _("Deleghe ai Punti Welfare"),
        ("desk.Delegation",),
        _rows("desk.Delegation", _mine()),
    ),
    Category(
        "appuntamenti-punti-welfare",
        _("Appuntamenti ai Punti Welfare"),
        ("desk.Appointment",),
        _rows("desk.Appointment", _mine()),
    ),
    Category(
        "notifiche",
        _("Messaggi ricevuti nell'area personale"),
        ("core.Notification",),
        _rows("core.Notification", _mine()),
    ),
    Category(
        "email",
        _("E-mail inviate"),
        ("core.OutboxMessage",),
        _rows(
            "core.OutboxMessage",
            _mine(),
            only={"created_at", "to", "subject", "body", "status", "sent_at"},
        ),
    ),
    Category("consensi", _("Consensi"), (), _consents),
    Category(
        "richieste",
        _("Richieste di rettifica e cancellazione"),
        ("identity.DataRequest",),
        _rows("identity.DataRequest", _mine()),
    ),
    Category(
        "attivita",
        _("Operazioni che la riguardano (registro delle attività)"),
        ("core.AuditEvent",),
        _rows(
            "core.AuditEvent",
            _mine(),
            only={"created_at", "actor_role", "action", "object_type", "object_repr", "reason"},
            order="created_at",
        ),
    ),
    Category(
        "accessi",
        _("Chi ha consultato i suoi dati"),
        ("identity.AccessLogEntry",),
        _access_log,
    ),
]

# Models with a key to a person or household that are not exported, and why.
_ROLLUP = (
    "a statistical counter of the observatory's rollups (one row per person and cell, so that "
    "distinct persons stay exact), derived from the ledger movements exported under wallets and "
    "rebuilt from them; never shown or published"
)
EXEMPT_MODELS: dict[str, str] = {
    "observatory.SpendingMember": _ROLLUP,
    "observatory.AwardMember": _ROLLUP,
}


def covered_models() -> set[str]:
    return {label.lower() for category in CATEGORIES for label in category.models}


def collect(person, on_category: Callable[[int], None] | None = None) -> dict[str, list[dict]]:
    """Every category's rows for `person`. `on_category(n)` after each (progress)."""
    data = {}
    for index, category in enumerate(CATEGORIES, start=1):
        data[category.key] = category.rows(person)
        if on_category:
            on_category(index)
    return data
