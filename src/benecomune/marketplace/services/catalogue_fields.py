"""Checking a service's fields: one function shared by the form's service and the import, so
a row of a CSV file and a form say the same thing in the same words. Every problem at once,
keyed by field (ValidationError), nothing saved here."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from benecomune.core.models import Municipality, Provider
from benecomune.ledger.money import parse_euro
from benecomune.marketplace.models import (
    Delivery,
    PayerKind,
    PriceKind,
    PriceUnit,
    ServiceArea,
    ServiceType,
    TargetGroup,
    UserArea,
)
from benecomune.marketplace.models.catalogue import ART51_CHOICES, PAYER_FIELDS
from benecomune.marketplace.services.common import DESCRIPTION_MAX, clean_line, clean_text

TITLE_MAX = 150
MAX_DURATION = 7 * 24 * 60  # a week, in minutes: longer is a typing error
SERVICE_FIELDS = [
    "title",
    "description",
    "user_area",
    "service_type",
    "target_groups",
    "price_kind",
    "price",
    "price_unit",
    "vat_note",
    "duration_minutes",
    "delivery",
    "accepts_public",
    "accepts_company",
    "accepts_own",
    "art51_category",
    "accreditation_area",
]
ART51_VALUES = [value for value, _label in ART51_CHOICES]


def parse_price(value, *, label: str) -> int:
    """Cents from "12,50" (ledger.money.parse_euro): more than two decimals, a negative or
    zero amount refused with a message naming the field."""
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValidationError(_("Indichi %(label)s, ad esempio 12,50.") % {"label": label})
    try:
        return parse_euro(value if isinstance(value, Decimal) else text)
    except ValidationError as exc:
        raise ValidationError(
            _("%(label)s: %(problem)s") % {"label": label.capitalize(), "problem": exc.messages[0]}
        ) from exc


def _choice(errors, field, value, choices, message) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if value not in choices:
        errors.setdefault(field, []).append(message)
        return ""
    return value


def _choices(errors, field, values, choices, message) -> list[str]:
    values = [v for v in (values or []) if v]
    wrong = [v for v in values if v not in choices]
    if wrong:
        errors.setdefault(field, []).append(message % {"values": ", ".join(map(str, wrong))})
    # Each once, in the order of the choices.
    return [c for c in choices if c in values]


def _duration(errors, value) -> int | None:
    if value in (None, ""):
        return None
    try:
        minutes = int(str(value).strip())
    except ValueError:
        minutes = 0
    if not 0 < minutes <= MAX_DURATION:
        errors["duration_minutes"] = [
            _("La durata è un numero intero di minuti, da 1 a %(max)s.") % {"max": MAX_DURATION}
        ]
        return None
    return minutes


def clean_service(provider: Provider, data: dict) -> dict:
    """The service's fields checked and cleaned, `municipalities_served` a list of Comuni of
    the provider's network. Raises ValidationError with every problem, by field."""
    errors: dict = {}
    clean = {
        "title": clean_line(data.get("title", ""), TITLE_MAX + 1),
        "description": clean_text(data.get("description", "")),
        "vat_note": clean_line(data.get("vat_note", ""), 200),
    }
    if not clean["title"]:
        errors["title"] = [_("Indichi il titolo del servizio.")]
    elif len(clean["title"]) > TITLE_MAX:
        errors["title"] = [_("Il titolo supera %(max)s caratteri.") % {"max": TITLE_MAX}]
    if len(clean["description"]) > DESCRIPTION_MAX:
        errors["description"] = [
            _("La descrizione supera %(max)s caratteri.") % {"max": DESCRIPTION_MAX}
        ]
    clean["user_area"] = _choice(
        errors, "user_area", data.get("user_area"), UserArea.values, _("Scelga l'area di utenza.")
    )
    clean["service_type"] = _choice(
        errors,
        "service_type",
        data.get("service_type"),
        ServiceType.values,
        _("Scelga il tipo di servizio."),
    )
    clean["target_groups"] = _choices(
        errors,
        "target_groups",
        data.get("target_groups"),
        TargetGroup.values,
        _("Destinatari non previsti: %(values)s."),
    )
    clean["delivery"] = _choice(
        errors,
        "delivery",
        data.get("delivery"),
        Delivery.values,
        _("Scelga la modalità: in presenza, a domicilio oppure online."),
    )
    clean["duration_minutes"] = _duration(errors, data.get("duration_minutes"))
    _clean_price(errors, clean, data)
    _clean_payers(errors, clean, data)
    municipalities = list(data.get("municipalities_served") or [])
    outside = [
        m
        for m in municipalities
        if not isinstance(m, Municipality) or m.network_id != provider.network_id
    ]
    if outside:
        errors["municipalities_served"] = [
            _("Si possono scegliere solo i Comuni della rete del fornitore.")
        ]
    clean["municipalities_served"] = municipalities
    if errors:
        raise ValidationError(errors)
    return clean


def _clean_price(errors, clean, data) -> None:
    kind = _choice(
        errors,
        "price_kind",
        data.get("price_kind") or PriceKind.PRICED,
        PriceKind.values,
        _("Scelga se il servizio è a pagamento, gratuito o con prezzo su richiesta."),
    )
    clean.update(price_kind=kind, price=None, price_unit="")
    if kind != PriceKind.PRICED:
        return
    try:
        clean["price"] = parse_price(data.get("price"), label=_("il prezzo"))
    except ValidationError as exc:
        errors["price"] = exc.messages
    clean["price_unit"] = _choice(
        errors,
        "price_unit",
        data.get("price_unit"),
        PriceUnit.values,
        _("Indichi a cosa si riferisce il prezzo: ora, incontro, pacchetto o pezzo."),
    )


def _clean_payers(errors, clean, data) -> None:
    payers = _choices(
        errors,
        "payable_by",
        data.get("payable_by"),
        PayerKind.values,
        _("Modi di pagamento non previsti: %(values)s."),
    )
    if not payers and "payable_by" not in errors:
        errors["payable_by"] = [_("Indichi almeno un modo di pagamento.")]
    for kind, field in PAYER_FIELDS.items():
        clean[field] = kind in payers
    clean["accreditation_area"] = (data.get("accreditation_area") or "").strip()
    clean["art51_category"] = (data.get("art51_category") or "").strip()
    if clean["accreditation_area"] and clean["accreditation_area"] not in ServiceArea.values:
        errors["accreditation_area"] = [_("Area di accreditamento non prevista.")]
    elif not clean["accreditation_area"] and (
        PayerKind.PUBLIC in payers or PayerKind.COMPANY in payers
    ):
        errors["accreditation_area"] = [
            _(
                "Per essere pagato con i contributi dei Comuni o il welfare aziendale il "
                "servizio deve indicare l'area di accreditamento."
            )
        ]
    if clean["art51_category"] and clean["art51_category"] not in ART51_VALUES:
        errors["art51_category"] = [_("Categoria dell'art. 51 TUIR non prevista.")]
    elif not clean["art51_category"] and PayerKind.COMPANY in payers:
        errors["art51_category"] = [
            _("Per il welfare aziendale indichi la categoria dell'art. 51 TUIR.")
        ]
