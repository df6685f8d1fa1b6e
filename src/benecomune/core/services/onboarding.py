"""The platform admin sets up a network's organisations from the pages: Comuni (checked
against the ISTAT list), companies and providers. Their first administrators are then invited
with core.services.staff.invite.

Every problem in a form is reported at once, and nothing is written unless all is valid.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benecomune.core import audit, istat
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_iban, normalize_vat_number, validate_iban
from benecomune.core.logos import check_logo, store_logo
from benecomune.core.models import Company, Municipality, Network, Organization, Provider
from benecomune.core.services.organizations import record_created

MUNICIPALITY_CONTACT_FIELDS = ["email", "phone", "address", "pec", "treasury_iban", "logo"]


def _merge(errors: dict, exc: ValidationError, skip=frozenset()) -> None:
    for field, messages in exc.message_dict.items():
        if field in skip:
            continue
        errors.setdefault(field, [])
        errors[field] += [m for m in messages if m not in errors[field]]


def _clean_text(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def _contacts(email: str, phone: str, address: str) -> dict:
    """An organisation's contact fields, cleaned as every form here cleans them."""
    return {
        "email": (email or "").strip().lower(),
        "phone": _clean_text(phone, 30),
        "address": _clean_text(address, 200),
    }


def _identity(name: str, slug: str, email: str, phone: str, address: str) -> dict:
    """The fields every new organisation's form has: its name, its address on the web (from
    the name when not given) and its contacts, cleaned."""
    name = _clean_text(name, 200)
    return {
        "name": name,
        "slug": (slug or "").strip().lower() or suggest_slug(name),
        **_contacts(email, phone, address),
    }


def _checked_logo(logo, errors: dict):
    """The checked logo, or None (no file, or its problems added to `errors`)."""
    if not logo:
        return None
    try:
        return check_logo(logo)
    except ValidationError as exc:
        _merge(errors, exc)
        return None


def _check_iban(value: str, errors: dict) -> str:
    iban = normalize_iban(value)
    if iban:
        try:
            validate_iban(iban)
        except ValidationError as exc:
            errors["treasury_iban"] = exc.messages
        else:
            if not iban.startswith("IT"):
                errors["treasury_iban"] = [_("La tesoreria del Comune ha un IBAN italiano (IT…).")]
    return iban


def _validate(org: Organization, errors: dict, exclude=()) -> None:
    if org.slug and Organization.objects.filter(slug=org.slug).exclude(pk=org.pk).exists():
        errors["slug"] = [
            _("L'indirizzo «%(slug)s» è già di un'altra organizzazione: ne scelga un altro.")
            % {"slug": org.slug}
        ]
    try:
        org.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        # Our own message for a field says more than Django's generic one: keep only ours.
        _merge(errors, exc, skip=set(errors))
    if errors:
        raise ValidationError(errors)


def _save_new(
    actor: Actor, org, errors: dict, *, exclude=(), logo=None, checked_logo=None, audited=()
):
    """Every problem at once, else the new organisation (with its logo, when checked) and its
    audit event, which keeps the `audited` fields too."""
    _validate(org, errors, exclude=exclude)
    if checked_logo:
        store_logo(org, logo, checked_logo)
    org.save()
    record_created(actor, org, audit.snapshot(org, audited))
    return org


def suggest_slug(name: str) -> str:
    return slugify(name)[:80].strip("-")


@transaction.atomic
def add_municipality(
    actor: Actor,
    network: Network,
    *,
    name: str,
    istat_code: str,
    slug: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    pec: str = "",
    treasury_iban: str = "",
    logo=None,
) -> Municipality:
    """Add a Comune to the network. The ISTAT code must be in the ISTAT list and belong to a
    Comune of that name; province and cadastral code are taken from the list."""
    actor.require("organizations.manage", network)
    errors: dict = {}
    entry = None
    try:
        entry = istat.check_comune(istat_code, _clean_text(name, 200))
    except ValidationError as exc:
        _merge(errors, exc)
    iban = _check_iban(treasury_iban, errors)
    checked_logo = _checked_logo(logo, errors)
    identity = _identity(name, slug, email, phone, address)
    if entry and not identity["name"]:
        identity["name"] = entry.name
    municipality = Municipality(
        network=network,
        **identity,
        istat_code=istat.normalize_istat_code(istat_code),
        province=entry.province if entry else "",
        cadastral_code=entry.cadastral_code if entry else "",
        pec=(pec or "").strip().lower(),
        treasury_iban=iban,
    )
    if Municipality.objects.filter(istat_code=municipality.istat_code).exists():
        errors.setdefault("istat_code", []).append(
            _("Il Comune con codice ISTAT %(code)s è già sulla piattaforma.")
            % {"code": municipality.istat_code}
        )
    return _save_new(
        actor,
        municipality,
        errors,
        exclude=["logo"],  # checked above, stored once all the rest is valid
        logo=logo,
        checked_logo=checked_logo,
        audited=MUNICIPALITY_CONTACT_FIELDS,
    )


@transaction.atomic
def update_municipality(
    actor: Actor,
    municipality: Municipality,
    *,
    email: str = "",
    phone: str = "",
    address: str = "",
    pec: str = "",
    treasury_iban: str = "",
    logo=None,
    remove_logo: bool = False,
) -> Municipality:
    """Contacts, PEC, treasury IBAN and logo: by the platform admin or the Comune's admin.
    Name, ISTAT code and address on the web are fixed once the Comune exists."""
    if not actor.has_perm("organizations.manage", municipality):
        actor.require("members.manage", municipality)
    municipality = Municipality.objects.select_for_update().get(pk=municipality.pk)
    before = audit.snapshot(municipality, MUNICIPALITY_CONTACT_FIELDS)
    errors: dict = {}
    municipality.treasury_iban = _check_iban(treasury_iban, errors)
    checked_logo = _checked_logo(logo, errors)
    for field, value in _contacts(email, phone, address).items():
        setattr(municipality, field, value)
    municipality.pec = (pec or "").strip().lower()
    _validate(municipality, errors, exclude=["logo"])
    if checked_logo:
        store_logo(municipality, logo, checked_logo)
    elif remove_logo:
        municipality.logo = ""
    municipality.save()
    after = audit.snapshot(municipality, MUNICIPALITY_CONTACT_FIELDS)
    if after != before:
        audit.record(
            actor,
            "municipality.updated",
            municipality,
            organization=municipality,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return municipality


@transaction.atomic
def add_company(
    actor: Actor,
    network: Network,
    *,
    name: str,
    vat_number: str,
    slug: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
) -> Company:
    actor.require("organizations.manage", network)
    company = Company(
        network=network,
        **_identity(name, slug, email, phone, address),
        vat_number=normalize_vat_number(vat_number),
    )
    return _save_new(actor, company, {})


@transaction.atomic
def add_provider(
    actor: Actor,
    network: Network,
    *,
    name: str,
    vat_number: str,
    provider_kind: str,
    category: str,
    municipality: Municipality | None,
    slug: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
) -> Provider:
    actor.require("organizations.manage", network)
    errors: dict = {}
    if municipality is not None and municipality.network_id != network.pk:
        errors["municipality"] = [_("Il Comune della sede deve far parte della rete.")]
    provider = Provider(
        network=network,
        **_identity(name, slug, email, phone, address),
        vat_number=normalize_vat_number(vat_number),
        provider_kind=provider_kind,
        category=category or "other",
        municipality=municipality,
    )
    return _save_new(actor, provider, errors)
