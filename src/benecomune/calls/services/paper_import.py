"""Import paper applications in bulk: every row is checked first, and then all of them are
filed and submitted through the same services the desk uses, in one transaction, or none.

Checks per row are those of the desk's form and services: a valid codice fiscale of a person
in the Comune's registry, resident where the call applies, one application per household per
call (against the call and within the file), the ISEE, DSU protocol and date as the draft
form validates them, every declaration signed, the required documents handed in, consent on
the paper form. Then `start_application`, `save_draft`, `submit_application` run for each row
and any refusal rolls the whole file back.
"""

import dataclasses
import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import paper_sheet
from benecomune.calls.models import Application, ApplicationMember, BenefitType, Call
from benecomune.calls.paper_sheet import Column, Sheet, SheetError
from benecomune.calls.services import applications as services
from benecomune.calls.services.applications import _record_consent
from benecomune.calls.services.drafts import clean_draft
from benecomune.calls.services.facts import call_municipality_ids, household_people
from benecomune.calls.services.paper import (
    PAPER_KEY,
    call_window_problem,
    paper_window_problem,
)
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_iban, parse_fiscal_code, validate_iban
from benecomune.core.models import Person
from benecomune.core.services.people import set_payment_account

IMPORTED_ACTION = "calls.application_paper_imported"
BATCH_ACTION = "calls.paper_import"
PROTOCOL_MAX = 40
_YES = {"sì", "si", "s", "x", "1", "vero", "true", "yes", "y"}
_NO = {"no", "n", "0", "falso", "false", ""}
# Draft fields -> the template's columns (to report the service's errors where they belong).
_DRAFT_COLUMNS = {
    "isee_value": "isee_euro",
    "isee_protocol": "protocollo_dsu",
    "isee_date": "data_isee",
    "contact_phone": "telefono",
    "contact_email": "email",
}


@dataclasses.dataclass(frozen=True)
class RowProblem:
    row: int | None  # None: the file or the call as a whole
    column: str
    message: str


@dataclasses.dataclass
class PaperRow:
    row: int
    person: Person
    members: list[str]
    received_on: datetime.date
    protocol: str
    draft: dict
    documents: list[str]
    iban: str = ""
    holder: str = ""


class PaperImportError(Exception):
    def __init__(self, problems: list[RowProblem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def can_import(actor: Actor, call: Call) -> bool:
    """The desk (who files applications for citizens) or the administrator of the Comune."""
    if actor.system:
        return True
    desk = actor.has_perm("desk.assist") and actor.has_perm("applications.instruct")
    return desk or actor.has_perm("calls.manage", call.organization_id)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading the cells -----------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _yes(value) -> bool:
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(text)


def _euro(value) -> int | None:
    from benecomune.calls.forms.applications import parse_isee

    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            cents = (Decimal(str(value)) * 100).quantize(Decimal(1))
        except InvalidOperation:
            raise ValueError(value) from None
        return int(cents)
    try:
        return parse_isee(_text(value))
    except ValidationError:
        raise ValueError(value) from None


def _cells(columns: list[Column], values: dict, row: int, problems: list) -> dict:
    """Typed values by column key; a problem per cell that is not what its column wants."""
    typed = {}
    for column in columns:
        raw = values.get(column.key)
        try:
            if column.kind == "date":
                value = paper_sheet.as_date(raw)
            elif column.kind == "euro":
                value = _euro(raw)
            elif column.kind == "yes":
                value = _yes(raw)
            else:
                value = _text(raw)
        except ValueError:
            messages = {
                "date": _("«%(v)s» non è una data: scriva gg/mm/aaaa."),
                "euro": _("«%(v)s» non è un importo in euro: per esempio 8.500,00."),
                "yes": _("«%(v)s» non è una risposta: scriva «sì» o «no»."),
            }
            problems.append(RowProblem(row, column.key, messages[column.kind] % {"v": raw}))
            continue
        if column.required and value in (None, "", False) and column.kind != "yes":
            problems.append(RowProblem(row, column.key, _("Dato obbligatorio mancante.")))
            continue
        typed[column.key] = value
    return typed


# --- one row ---------------------------------------------------------------------------------


def _person(actor: Actor, call: Call, code_text: str, row: int, problems: list):
    try:
        code = parse_fiscal_code(code_text).code
    except ValidationError as exc:
        problems.append(RowProblem(row, "codice_fiscale", " ".join(exc.messages)))
        return None
    person = Person.objects_unscoped.select_related("residence").filter(fiscal_code=code).first()
    if person is None:
        problems.append(
            RowProblem(
                row,
                "codice_fiscale",
                _("%(code)s non è nell'anagrafe del Comune: la registri prima di importare.")
                % {"code": code},
            )
        )
        return None
    own = actor.system or person.residence_id in actor.tenant_ids
    if not own or person.residence_id not in call_municipality_ids(call):
        problems.append(
            RowProblem(
                row,
                "codice_fiscale",
                _("%(code)s non risiede in un Comune di questo bando gestito da lei.")
                % {"code": code},
            )
        )
        return None
    return person


def _check_row(actor, call, columns, number, values, today, seen, problems) -> PaperRow | None:
    before = len(problems)
    typed = _cells(columns, values, number, problems)
    person = None
    if typed.get("codice_fiscale"):
        person = _person(actor, call, typed["codice_fiscale"], number, problems)
    received = typed.get("data_ricezione")
    if received is not None:
        problem = paper_window_problem(call, received)
        if problem:
            problems.append(RowProblem(number, "data_ricezione", problem))
    protocol = typed.get("protocollo_cartaceo", "")
    if len(protocol) > PROTOCOL_MAX:
        problems.append(
            RowProblem(
                number,
                "protocollo_cartaceo",
                _("Al massimo %(n)s caratteri.") % {"n": PROTOCOL_MAX},
            )
        )
    elif protocol:
        earlier = seen["protocols"].setdefault(protocol.upper(), number)
        if earlier != number:
            problems.append(
                RowProblem(
                    number,
                    "protocollo_cartaceo",
                    _("Lo stesso protocollo è già alla riga %(row)s.") % {"row": earlier},
                )
            )
    if "consenso_su_carta" in typed and not typed["consenso_su_carta"]:
        problems.append(
            RowProblem(
                number,
                "consenso_su_carta",
                _(
                    "Senza il consenso firmato sul modulo lo sportello non può presentare "
                    "la domanda."
                ),
            )
        )
    documents = []
    declarations = {}
    for column in columns:
        if column.key not in typed or not column.code:
            continue
        if column.key.startswith(paper_sheet.DECLARATION_PREFIX):
            declarations[column.code] = typed[column.key]
            if not typed[column.key]:
                problems.append(
                    RowProblem(number, column.key, _("La dichiarazione deve essere firmata."))
                )
        elif typed[column.key]:
            documents.append(column.code)
        elif column.required:
            problems.append(
                RowProblem(number, column.key, _("Documento obbligatorio non consegnato."))
            )
    draft = {
        "isee_value": typed.get("isee_euro"),
        "isee_protocol": typed.get("protocollo_dsu", ""),
        "isee_date": typed.get("data_isee"),
        "declarations": declarations,
        "contact_phone": typed.get("telefono", ""),
        "contact_email": typed.get("email", ""),
    }
    draft = {k: v for k, v in draft.items() if k.split("_")[0] != "contact" or v}
    if not any(p.column in ("isee_euro", "data_isee") for p in problems[before:]):
        try:
            draft.update(clean_draft(Application(call=call), draft, today))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                problems.append(
                    RowProblem(number, _DRAFT_COLUMNS.get(field, ""), " ".join(messages))
                )
    iban, holder = typed.get("iban", ""), typed.get("intestatario_conto", "")
    if iban:
        try:
            validate_iban(iban)
        except ValidationError as exc:
            problems.append(RowProblem(number, "iban", " ".join(exc.messages)))
        iban = normalize_iban(iban)
    elif call.benefit_type == BenefitType.REIMBURSEMENT and person and not person.iban:
        problems.append(
            RowProblem(number, "iban", _("Il richiedente non ha un IBAN in anagrafe: lo indichi."))
        )
    members = []
    if person is not None:
        members = [p.fiscal_code for p in household_people(person)]
        for code in members:
            earlier = seen["people"].setdefault(code, number)
            if earlier != number:
                problems.append(
                    RowProblem(
                        number,
                        "codice_fiscale",
                        _(
                            "Il nucleo di %(code)s è già nella riga %(row)s: una sola domanda "
                            "per nucleo."
                        )
                        % {"code": person.fiscal_code, "row": earlier},
                    )
                )
                break
        taken = (
            ApplicationMember.objects.filter(call=call, fiscal_code__in=members, active=True)
            .select_related("application")
            .first()
        )
        if taken is not None:
            problems.append(
                RowProblem(
                    number,
                    "codice_fiscale",
                    _(
                        "%(name)s (%(code)s) fa già parte di un'altra domanda per questo bando "
                        "(%(protocol)s)."
                    )
                    % {
                        "name": taken.full_name,
                        "code": taken.fiscal_code,
                        "protocol": taken.application.protocol or _("bozza"),
                    },
                )
            )
    if len(problems) > before:
        return None
    return PaperRow(
        row=number,
        person=person,
        members=members,
        received_on=received,
        protocol=protocol,
        draft=draft,
        documents=documents,
        iban=iban,
        holder=holder or person.full_name,
    )


def check_sheet(actor: Actor, call: Call, data: bytes) -> tuple[Sheet | None, list[PaperRow]]:
    """Read and check every row; PaperImportError with every problem found. Writes nothing."""
    if not can_import(actor, call):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
    problem = call_window_problem(call)
    if problem:
        raise PaperImportError([RowProblem(None, "", problem)])
    try:
        sheet = paper_sheet.read_sheet(call, data)
    except SheetError as exc:
        raise PaperImportError([RowProblem(None, "", str(exc))]) from None
    columns = paper_sheet.columns_for(call)
    today = timezone.localdate()
    seen = {"people": {}, "protocols": {}}
    problems: list[RowProblem] = []
    rows = []
    for number, values in sheet.rows:
        checked = _check_row(actor, call, columns, number, values, today, seen, problems)
        if checked is not None:
            rows.append(checked)
    if problems:
        raise PaperImportError(problems)
    return sheet, rows


# --- filing ----------------------------------------------------------------------------------


def _worker(actor: Actor, person: Person) -> Actor:
    """The desk acts for the citizen in its own name; a Comune administrator (no desk role)
    files through the platform, and the import's own audit events name the administrator."""
    residence = person.residence_id
    if actor.has_perm("desk.assist", residence) and actor.has_perm(
        "applications.instruct", residence
    ):
        return actor
    return Actor.system_actor(BATCH_ACTION)


def _file_row(actor: Actor, call: Call, row: PaperRow, digest: str, file_name: str):
    worker = _worker(actor, row.person)
    received = row.received_on.strftime("%d/%m/%Y")
    consent = _("consenso raccolto su carta (modulo prot. %(p)s del %(d)s)") % {
        "p": row.protocol,
        "d": received,
    }
    application = services.start_application(
        worker, call, row.person, assisted_consent=consent[:200], paper_received_on=row.received_on
    )
    if application.consent_at is None:
        _record_consent(actor, application, consent[:200])
    application.checklist = {
        **(application.checklist or {}),
        PAPER_KEY: {
            "protocol": row.protocol,
            "received_on": row.received_on.isoformat(),
            "documents": row.documents,
            "consent": consent,
            "file_sha256": digest,
            "imported_by": actor.user.pk if actor.user else None,
        },
    }
    application.save(update_fields=["checklist"])
    services.save_draft(worker, application, **row.draft)
    if row.iban and row.iban != row.person.iban:
        set_payment_account(
            actor,
            row.person,
            iban=row.iban,
            holder=row.holder,
            reason=_("Modulo cartaceo prot. %(p)s") % {"p": row.protocol},
        )
    application = services.submit_application(worker, application)
    audit.record(
        actor,
        IMPORTED_ACTION,
        application,
        organization=application.organization,
        person=application.applicant,
        after={
            "protocol": application.protocol,
            "paper_protocol": row.protocol,
            "received_on": row.received_on.isoformat(),
            "documents_on_paper": row.documents,
            "file": file_name,
            "file_sha256": digest,
            "row": row.row,
        },
        reason=_("Importata da modulo cartaceo"),
    )
    return application


@transaction.atomic
def import_paper_applications(
    actor: Actor, call: Call, data: bytes, *, file_name: str, stored_name: str = ""
) -> list[Application]:
    """Check the file again (the registry or the call may have changed since the check the
    operator confirmed) and file every row, or nothing: PaperImportError with the problems."""
    call = Call.objects_unscoped.get(pk=call.pk)
    _sheet, rows = check_sheet(actor, call, data)
    digest = file_digest(data)
    filed = []
    for row in rows:
        try:
            filed.append(_file_row(actor, call, row, digest, file_name))
        except (ValidationError, PermissionDenied) as exc:
            messages = getattr(exc, "messages", None) or [str(exc)]
            raise PaperImportError([RowProblem(row.row, "", " ".join(messages))]) from None
    audit.record(
        actor,
        BATCH_ACTION,
        call,
        after={
            "applications": len(filed),
            "protocols": [a.protocol for a in filed],
            "file": file_name,
            "stored": stored_name,
            "file_sha256": digest,
        },
        reason=_("Importazione di domande da moduli cartacei"),
    )
    return filed
