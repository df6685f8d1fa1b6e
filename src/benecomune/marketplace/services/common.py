"""Checks the marketplace's services share: identifiers, text, who acts for a provider."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.identifiers import (
    normalize_fiscal_code,
    normalize_iban,
    validate_fiscal_code,
    validate_iban,
    validate_vat_number,
)
from benecomune.core.models import Membership, ProviderKind, Role

# Staff of a provider: a cooperative's (provider.manage) or a voucher shop's (merchant.manage).
PROVIDER_PERMISSIONS = ("provider.manage", "merchant.manage")
PROVIDER_ROLES = (Role.PROVIDER_STAFF, Role.MERCHANT_STAFF)
NETWORK_PERMISSION = "organizations.manage"
# Third-sector entities: registered in the RUNTS or in the Albo delle società cooperative.
REGISTERED_KINDS = (ProviderKind.SOCIAL_COOPERATIVE, ProviderKind.ASSOCIATION)
REGISTER_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9/.\- ]{2,39}$")
DESCRIPTION_MAX = 4000


def clean_line(value: str, limit: int) -> str:
    return " ".join((value or "").split())[:limit]


def clean_text(value: str) -> str:
    """Multi-line plain text: trimmed lines, no control characters but new lines."""
    lines = [
        "".join(c for c in line if c.isprintable()).rstrip() for line in (value or "").splitlines()
    ]
    return "\n".join(lines).strip()


def collect_errors(errors: dict, check, value):
    """`check(value)`, its field errors added to `errors` (every field told at once)."""
    try:
        return check(value)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        return None


def normalize_entity_code(value: str) -> str:
    return normalize_fiscal_code(value)


def check_entity_fiscal_code(value: str) -> str:
    """An entity's codice fiscale: 11 digits (companies, associations, cooperatives; the same
    check digit as a partita IVA) or 16 characters (a professional's personal code)."""
    code = normalize_entity_code(value)
    if not code:
        return ""
    if code.isdigit() and len(code) == 11:
        try:
            validate_vat_number(code)
        except ValidationError as exc:
            raise ValidationError(
                _("Il codice fiscale %(code)s non è valido: controlli le cifre.") % {"code": code}
            ) from exc
        return code
    if len(code) == 16:
        validate_fiscal_code(code)
        return code
    raise ValidationError(
        _(
            "Il codice fiscale di un ente ha 11 cifre, quello di una persona 16 caratteri "
            "(ne sono stati inseriti %(n)s)."
        )
        % {"n": len(code)}
    )


def check_register_number(value: str, provider_kind: str) -> str:
    number = clean_line(value, 40).upper()
    if not number:
        if provider_kind in REGISTERED_KINDS:
            raise ValidationError(
                _(
                    "Indichi il numero di iscrizione al RUNTS (associazioni) o all'Albo delle "
                    "società cooperative (cooperative sociali)."
                )
            )
        return ""
    if not REGISTER_NUMBER.match(number):
        raise ValidationError(
            _("Il numero di iscrizione contiene caratteri non ammessi: solo lettere, cifre, / e -.")
        )
    return number


def check_iban(value: str) -> str:
    iban = normalize_iban(value)
    if iban:
        validate_iban(iban)
    return iban


def collect(errors: dict, field: str, check, *args):
    """Run `check(*args)`; its ValidationError's messages go to `errors[field]`."""
    try:
        return check(*args)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None


def require_provider_staff(actor: Actor, provider) -> None:
    if not any(actor.has_perm(code, provider) for code in PROVIDER_PERMISSIONS):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))


def staff_role(membership: Membership) -> str:
    """`owner` or `operator` (see ProviderStaffRole)."""
    from benecomune.marketplace.models import ProviderStaffRole, StaffRole

    row = ProviderStaffRole.objects_unscoped.filter(membership=membership).first()
    if row is not None:
        return row.role
    has_owner = ProviderStaffRole.objects_unscoped.filter(
        provider_id=membership.organization_id, role=StaffRole.OWNER
    ).exists()
    return StaffRole.OPERATOR if has_owner else StaffRole.OWNER


def is_owner(actor: Actor, provider) -> bool:
    from benecomune.marketplace.models import StaffRole

    if actor.system:
        return True
    membership = actor.membership
    if membership is None or membership.organization_id != provider.pk:
        return False
    return membership.role in PROVIDER_ROLES and staff_role(membership) == StaffRole.OWNER


def is_network_admin(actor: Actor, provider) -> bool:
    """An administrator of the provider's network (checked on the network: the body that
    approves and accredits its providers)."""
    return provider.network_id is not None and actor.has_perm(
        NETWORK_PERMISSION, provider.network_id
    )


def require_owner(actor: Actor, provider) -> None:
    """The provider's owner; the network's administrators too (they set providers up)."""
    if is_network_admin(actor, provider):
        return
    require_provider_staff(actor, provider)
    if not is_owner(actor, provider):
        raise PermissionDenied(_("Solo il titolare del fornitore può fare questa operazione."))
