"""Importing a provider's services from a CSV or XLSX file (core.sheets reads it: UTF-8 with or
without BOM, `;` or `,` sniffed, a wrong encoding refused in Italian).

Every row is checked first with the same rules as the form (catalogue_fields.clean_service);
every bad row is reported with its line number and reasons, and nothing is written unless
every row is good. The services are created as drafts, in one transaction, with one audit
event. `COLUMNS` is the file's format (docs/marketplace.md, and the template `template_csv`).
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benecomune.core import audit, sheets
from benecomune.core.actors import Actor
from benecomune.core.exports import csv_bytes
from benecomune.core.models import Municipality, Provider
from benecomune.marketplace.models import (
    Delivery,
    PayerKind,
    PriceKind,
    PriceUnit,
    Service,
    ServiceArea,
    ServiceStatus,
    ServiceType,
    TargetGroup,
    UserArea,
)
from benecomune.marketplace.models.catalogue import ART51_CHOICES
from benecomune.marketplace.services.catalogue import new_service
from benecomune.marketplace.services.catalogue_fields import clean_service
from benecomune.marketplace.services.common import require_provider_staff

MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
LIST_SEPARATOR = "|"  # inside a cell: `;` and `,` may be the file's separator


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    field: str
    help: object
    required: bool = False


COLUMNS = [
    Column("titolo", "title", gettext_lazy("Titolo del servizio (obbligatorio)."), True),
    Column("descrizione", "description", gettext_lazy("Testo semplice.")),
    Column("area_utenza", "user_area", gettext_lazy("Area di utenza ISTAT."), True),
    Column("tipo_servizio", "service_type", gettext_lazy("Tipo di servizio."), True),
    Column("destinatari", "target_groups", gettext_lazy("Uno o più, separati da |.")),
    Column("tipo_prezzo", "price_kind", gettext_lazy("a pagamento, gratuito o su richiesta.")),
    Column("prezzo", "price", gettext_lazy("In euro, ad esempio 12,50.")),
    Column("unita", "price_unit", gettext_lazy("ora, incontro, pacchetto o pezzo.")),
    Column("nota_iva", "vat_note", gettext_lazy("Ad esempio: esente IVA art. 10.")),
    Column("durata_minuti", "duration_minutes", gettext_lazy("Numero intero di minuti.")),
    Column("modalita", "delivery", gettext_lazy("presenza, domicilio oppure online."), True),
    Column("comuni", "municipalities_served", gettext_lazy("Nomi dei Comuni, separati da |.")),
    Column(
        "pagabile_con",
        "payable_by",
        gettext_lazy("comuni, aziende, proprio: uno o più, separati da |."),
        True,
    ),
    Column("categoria_art51", "art51_category", gettext_lazy("Per il welfare aziendale.")),
    Column(
        "area_accreditamento",
        "accreditation_area",
        gettext_lazy("Area UNI/PdR 58 (per i contributi dei Comuni e il welfare aziendale)."),
    ),
]
FIELD_OF = {c.key: c.field for c in COLUMNS}
KEY_OF = {c.field: c.key for c in COLUMNS}

# Short words people write, besides the codes and the Italian labels.
ALIASES = {
    "price_kind": {"pagamento": "priced", "su richiesta": "on_request", "gratis": "free"},
    "price_unit": {
        "ora": "hour",
        "incontro": "session",
        "seduta": "session",
        "pacchetto": "package",
        "pezzo": "item",
    },
    "delivery": {"presenza": "in_person", "domicilio": "at_home"},
    "payable_by": {
        "comuni": "public",
        "comune": "public",
        "pubblico": "public",
        "aziende": "company",
        "azienda": "company",
        "aziendale": "company",
        "proprio": "own",
    },
}
CHOICES = {
    "user_area": UserArea.choices,
    "service_type": ServiceType.choices,
    "target_groups": TargetGroup.choices,
    "price_kind": PriceKind.choices,
    "price_unit": PriceUnit.choices,
    "delivery": Delivery.choices,
    "payable_by": PayerKind.choices,
    "art51_category": ART51_CHOICES,
    "accreditation_area": ServiceArea.choices,
}
MULTIPLE = ("target_groups", "payable_by", "municipalities_served")


class ImportRefused(ValidationError):
    """Some rows are wrong: `rows` lists (line number, [reasons]); nothing was written."""

    def __init__(self, rows: list[tuple[int, list[str]]]):
        self.rows = rows
        super().__init__(
            ngettext(
                "%(n)s riga contiene errori: nessun servizio è stato importato.",
                "%(n)s righe contengono errori: nessun servizio è stato importato.",
                len(rows),
            )
            % {"n": len(rows)}
        )


def _normal(text) -> str:
    return " ".join(str(text).lower().split())


def _lookup(field: str) -> dict:
    table = {}
    for value, label in CHOICES[field]:
        table[_normal(value)] = value
        table[_normal(label)] = value
    table.update(ALIASES.get(field, {}))
    return table


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _row_data(values: dict, municipalities: dict) -> tuple[dict, dict]:
    """The service's data from one row's cells, and what could not be understood (by field)."""
    data, problems = {}, {}
    for key, raw in values.items():
        field = FIELD_OF[key]
        text = _cell(raw)
        parts = [p.strip() for p in text.split(LIST_SEPARATOR) if p.strip()]
        if field == "municipalities_served":
            found = [municipalities.get(_normal(p)) for p in parts]
            unknown = [p for p, m in zip(parts, found, strict=True) if m is None]
            if unknown:
                problems[field] = _("%(column)s: Comuni non della rete: %(values)s.") % {
                    "column": key,
                    "values": ", ".join(unknown),
                }
            data[field] = [m for m in found if m is not None]
        elif field in CHOICES:
            table = _lookup(field)
            items = parts if field in MULTIPLE else ([text] if text else [])
            mapped = [table.get(_normal(p)) for p in items]
            unknown = [p for p, m in zip(items, mapped, strict=True) if m is None]
            if unknown:
                problems[field] = _("%(column)s: valore non previsto «%(values)s».") % {
                    "column": key,
                    "values": ", ".join(unknown),
                }
            if field in MULTIPLE:
                data[field] = [m for m in mapped if m]
            else:
                data[field] = mapped[0] if mapped and mapped[0] else ""
        else:
            data[field] = text
    return data, problems


def _header(raw: list[list]) -> tuple[list[str], int]:
    return sheets.read_header(
        raw,
        normalise=_normal,
        required=[c.key for c in COLUMNS if c.required],
        known=FIELD_OF,
    )


def read_rows(data: bytes) -> list[tuple[int, dict]]:
    """(line number, {column: cell}) of every non-blank row. SheetError for the whole file."""
    kind = sheets.sniff_kind(data, max_bytes=MAX_BYTES)
    raw = sheets.xlsx_rows(data, max_rows=MAX_ROWS) if kind == "xlsx" else sheets.csv_rows(data)
    header, skipped = _header(raw)
    rows = []
    for line, values in enumerate(raw[1:], start=skipped + 2):
        if all(sheets.blank(v) for v in values):
            continue
        rows.append((line, {h: v for h, v in zip(header, values, strict=False) if h}))
    if not rows:
        raise sheets.SheetError(_("Il file contiene solo la riga dei titoli: nessun servizio."))
    if len(rows) > MAX_ROWS:
        raise sheets.SheetError(
            _("Il file ha più di %(n)s servizi: lo divida in più file.") % {"n": MAX_ROWS}
        )
    return rows


def _messages(exc: ValidationError, known: dict) -> list[str]:
    """The messages of clean_service, each named by its column; a field whose cell was not
    understood keeps that message only."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out = []
    for field, errors in exc.message_dict.items():
        if field in known:
            continue
        column = KEY_OF.get(field, field)
        out.extend(f"{column}: {message}" for message in errors)
    return out


def check_rows(provider: Provider, rows) -> tuple[list[dict], list[tuple[int, list[str]]]]:
    """Every row checked: the cleaned services and the bad rows with their reasons."""
    municipalities = {
        _normal(m.name): m for m in Municipality.objects.filter(network_id=provider.network_id)
    }
    taken = {
        _normal(t)
        for t in Service.objects_unscoped.filter(provider=provider)
        .exclude(status=ServiceStatus.ARCHIVED)
        .values_list("title", flat=True)
    }
    cleaned, bad = [], []
    for line, values in rows:
        data, known = _row_data(values, municipalities)
        problems = list(known.values())
        clean = None
        try:
            clean = clean_service(provider, data)
        except ValidationError as exc:
            problems.extend(_messages(exc, known))
        title = _normal(data.get("title", ""))
        if title and title in taken:
            problems.append(
                _("titolo: esiste già un servizio «%(title)s».") % {"title": data["title"]}
            )
        taken.add(title)
        if problems:
            bad.append((line, problems))
        else:
            cleaned.append(clean)
    return cleaned, bad


def import_services(actor: Actor, provider: Provider, data: bytes) -> list[Service]:
    """Create the services of the file as drafts, or none: ImportRefused with every bad row,
    ValidationError when the file cannot be read."""
    require_provider_staff(actor, provider)
    try:
        rows = read_rows(data)
    except sheets.SheetError as exc:
        raise ValidationError(str(exc)) from exc
    cleaned, bad = check_rows(provider, rows)
    if bad:
        raise ImportRefused(bad)
    with transaction.atomic():
        services = [new_service(actor, provider, clean) for clean in cleaned]
        audit.record(
            actor,
            "marketplace.services_imported",
            provider,
            organization=provider,
            after={"count": len(services), "services": [s.pk for s in services]},
        )
    return services


def template_csv() -> bytes:
    """The template to fill in: the header, two example rows, `;` separated, with BOM."""
    header = [c.key for c in COLUMNS]
    rows = [
        [
            "Doposcuola per la scuola primaria",
            "Compiti e studio assistito in piccoli gruppi.",
            "Famiglia e minori",
            "Doposcuola e tutoraggio",
            "minors",
            "a pagamento",
            "8,50",
            "ora",
            "Esente IVA art. 10 DPR 633/72",
            "60",
            "presenza",
            "",
            "comuni|aziende|proprio",
            "tutoring",
            "family",
        ],
        [
            "Ripetizioni online",
            "Lezioni individuali in videochiamata.",
            "famiglia e minori",
            "tutoring",
            "minors|young",
            "gratuito",
            "",
            "",
            "",
            "45",
            "online",
            "",
            "proprio",
            "",
            "",
        ],
    ]
    return csv_bytes(header, rows)
