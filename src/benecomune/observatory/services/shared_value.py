"""Shared value (issue 19, point 1): social projects and agreements, one function per use case,
each one transaction with its audit event. The routing of money is in shared_value_routing.py.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_iban, validate_iban
from benecomune.core.models import Organization, Provider
from benecomune.ledger.services.accounts import open_shared_value_account
from benecomune.observatory.lifecycles import PROJECT
from benecomune.observatory.models import (
    ProjectStatus,
    SharedValueAgreement,
    ShareMode,
    SocialProject,
)

COMUNE_PERMISSION = "funds.manage"
MERCHANT_PERMISSIONS = ("merchant.manage", "provider.manage")
WALLET_FIELDS = ("value_public", "value_corporate", "value_own")


def parse_percent(text, field: str = "value") -> int:
    """'2,5' or '2.50' (per cent) -> basis points (250). At most two decimals, 0-100."""
    raw = str(text if text is not None else "").strip().replace("%", "").replace(",", ".")
    try:
        value = Decimal(raw or "0")
    except InvalidOperation:
        raise ValidationError(
            {field: _("Scriva la percentuale come numero, ad esempio 2,5.")}
        ) from None
    if not value.is_finite() or value.as_tuple().exponent < -2:
        raise ValidationError({field: _("La percentuale può avere al massimo due decimali.")})
    if value < 0 or value > 100:
        raise ValidationError({field: _("La percentuale deve essere tra 0 e 100.")})
    return int(value * 100)


def _comune(actor: Actor, organization: Organization) -> None:
    actor.require(COMUNE_PERMISSION, organization)


@transaction.atomic
def create_project(
    actor: Actor,
    organization: Organization,
    *,
    title: str,
    description: str,
    target_amount: int,
    beneficiary: Provider,
    beneficiary_iban: str = "",
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
) -> SocialProject:
    _comune(actor, organization)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Indichi il titolo del progetto.")
    if type(target_amount) is not int or target_amount <= 0:
        errors["target_amount"] = _("L'obiettivo deve essere un importo positivo.")
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = _("La fine non può precedere l'inizio.")
    iban = normalize_iban(beneficiary_iban or "")
    if iban:
        try:
            validate_iban(iban)
        except ValidationError as exc:
            errors["beneficiary_iban"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    account = open_shared_value_account(
        organization.pk, _("Valore condiviso — %(title)s") % {"title": title.strip()}
    )
    project = SocialProject.objects_unscoped.create(
        organization=organization,
        title=title.strip()[:200],
        description=(description or "").strip(),
        target_amount=target_amount,
        beneficiary=beneficiary,
        beneficiary_iban=iban,
        starts_on=starts_on,
        ends_on=ends_on,
        account=account,
    )
    audit.record(
        actor,
        "observatory.project_created",
        project,
        organization=organization,
        after={"title": project.title, "target": target_amount, "beneficiary": beneficiary.pk},
    )
    return project


@transaction.atomic
def set_project_status(actor: Actor, project: SocialProject, status: str) -> SocialProject:
    project = SocialProject.objects_unscoped.select_for_update().get(pk=project.pk)
    PROJECT.apply(actor, project, status, extra_fields=["status"])
    return project


def _overlapping(merchant_id: int, start, end, exclude=None):
    rows = SharedValueAgreement.objects_unscoped.filter(
        merchant_id=merchant_id, valid_from__lte=end, valid_until__gte=start
    )
    return rows.exclude(pk=exclude) if exclude else rows


@transaction.atomic
def propose_agreement(
    actor: Actor,
    organization: Organization,
    *,
    merchant: Provider,
    project: SocialProject,
    mode: str,
    values: dict,
    valid_from: datetime.date,
    valid_until: datetime.date,
    named_publicly: bool = True,
) -> SharedValueAgreement:
    """The Comune (or network) proposes and so signs on its side; the merchant accepts
    (`accept_agreement`). `values`: per wallet kind, per cent text ('2,5') in PERCENT mode,
    cents in FIXED mode."""
    _comune(actor, organization)
    if project.organization_id != organization.pk:
        raise ValidationError({"project": _("Il progetto non è di questo ente.")})
    if mode not in ShareMode.values:
        raise ValidationError({"mode": _("Scelga percentuale o importo fisso.")})
    if valid_until < valid_from:
        raise ValidationError({"valid_until": _("La fine non può precedere l'inizio.")})
    stored = {}
    for field in WALLET_FIELDS:
        raw = values.get(field, 0)
        if mode == ShareMode.PERCENT:
            stored[field] = parse_percent(raw, field)
        else:
            if type(raw) is not int or raw < 0:
                raise ValidationError(
                    {field: _("L'importo fisso è un numero di centesimi non negativo.")}
                )
            stored[field] = raw
    if not any(stored.values()):
        raise ValidationError(_("Indichi almeno una quota diversa da zero."))
    # Two agreements of a merchant must not overlap: serialised on the merchant's row.
    Provider._base_manager.select_for_update().filter(pk=merchant.pk).first()
    if _overlapping(merchant.pk, valid_from, valid_until).exists():
        raise ValidationError(
            {
                "valid_from": _(
                    "L'esercente ha già un accordo di valore condiviso in questo periodo: "
                    "scelga date che non si sovrappongano."
                )
            }
        )
    agreement = SharedValueAgreement.objects_unscoped.create(
        organization=organization,
        merchant=merchant,
        project=project,
        mode=mode,
        valid_from=valid_from,
        valid_until=valid_until,
        named_publicly=named_publicly,
        comune_signed_at=timezone.now(),
        comune_signed_by=actor.user,
        **stored,
    )
    audit.record(
        actor,
        "observatory.agreement_created",
        agreement,
        organization=organization,
        after={"merchant": merchant.pk, "project": project.pk, "mode": mode, **stored},
    )
    return agreement


@transaction.atomic
def accept_agreement(
    actor: Actor, agreement: SharedValueAgreement, *, named_publicly: bool | None = None
) -> SharedValueAgreement:
    """The merchant accepts: the agreement is signed and applies from its first day. The
    merchant may choose not to be named on the public pages."""
    if not any(actor.has_perm(p, agreement.merchant_id) for p in MERCHANT_PERMISSIONS):
        actor.require(MERCHANT_PERMISSIONS[0], agreement.merchant_id)
    agreement = SharedValueAgreement.objects_unscoped.select_for_update().get(pk=agreement.pk)
    if agreement.merchant_signed_at is not None:
        raise ValidationError(_("L'accordo è già stato accettato."))
    agreement.merchant_signed_at, agreement.merchant_signed_by = timezone.now(), actor.user
    if named_publicly is not None:
        agreement.named_publicly = named_publicly
    agreement.save(update_fields=["merchant_signed_at", "merchant_signed_by", "named_publicly"])
    audit.record(
        actor,
        "observatory.agreement_signed",
        agreement,
        organization=Organization(pk=agreement.merchant_id),
        after={"agreement": agreement.pk, "named_publicly": agreement.named_publicly},
    )
    return agreement


def agreement_for(actor: Actor, pk: int) -> SharedValueAgreement | None:
    """The agreement, if `actor` is of the Comune that made it or of the merchant it binds."""
    agreement = (
        SharedValueAgreement.objects_unscoped.select_related("merchant", "project", "organization")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        return None
    comune = actor.has_perm(COMUNE_PERMISSION, agreement.organization_id)
    merchant = any(actor.has_perm(p, agreement.merchant_id) for p in MERCHANT_PERMISSIONS)
    return agreement if comune or merchant else None


def merchant_agreements(merchant_id: int) -> list[SharedValueAgreement]:
    """The agreements binding a merchant (the merchant's page: its own, by its id)."""
    return list(
        SharedValueAgreement.objects_unscoped.filter(merchant_id=merchant_id)
        .select_related("organization", "project")
        .order_by("-valid_from")
    )


def share_of(agreement: SharedValueAgreement, amount: int, wallet_kind: str) -> int:
    """Cents of a payment of `amount` from a wallet of `wallet_kind` (WalletSource) that go to
    the project: rounded down, never more than the payment."""
    field = {"call_award": "value_public", "company_plan": "value_corporate"}.get(
        wallet_kind, "value_own"
    )
    value = getattr(agreement, field)
    if agreement.mode == ShareMode.PERCENT:
        return amount * value // 10_000
    return min(value, amount)


__all__ = ["ProjectStatus"]
