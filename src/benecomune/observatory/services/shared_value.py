"""Shared value (issue 19, point 1): social projects and agreements, one function per use case,
each one transaction with its audit event. The routing of money is in shared_value_routing.py.

The party of a project or an agreement is a Comune or a network of Comuni, each acting in its
own name only (`_party`): a network's staff hold permissions over their member Comuni too, but
a network's project is the network's and a Comune's the Comune's. A network makes agreements
with the merchants of its member Comuni (`merchants_of`). A merchant has at most one agreement
(proposed or signed) per day, whichever the party: the overlap check ignores who proposed it,
so the payment's share always has one destination.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_iban, validate_iban
from benecomune.core.models import Organization, OrganizationKind, Provider
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


PARTY_KINDS = (OrganizationKind.MUNICIPALITY, OrganizationKind.NETWORK)


def acts_for(actor: Actor, organization_id: int) -> bool:
    """Whether `actor` acts in the name of this very organisation (its role is held there), not
    through a network's reach over its members. System actors act for anyone."""
    if actor.system:
        return True
    own = actor.organization
    return own is not None and own.pk == organization_id


def _party(actor: Actor, organization: Organization) -> None:
    """A Comune or a network, acting for itself with `funds.manage`."""
    actor.require(COMUNE_PERMISSION, organization)
    if organization.kind not in PARTY_KINDS or not acts_for(actor, organization.pk):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))


def require_owner(actor: Actor, project: SocialProject, permission: str) -> None:
    """`permission` on the project's Comune or network, acting in its own name."""
    actor.require(permission, project.organization_id)
    if not acts_for(actor, project.organization_id):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))


def merchants_of(organization: Organization):
    """The active merchants and providers a party may propose an agreement to: any for a
    Comune; for a network, those whose seat is in a member Comune or that joined the network."""
    providers = Provider.objects.filter(is_active=True)
    if organization.kind == OrganizationKind.NETWORK:
        providers = providers.filter(
            Q(municipality__network_id=organization.pk) | Q(network_id=organization.pk)
        )
    return providers.order_by("name")


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
    _party(actor, organization)
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
    _party(actor, project.organization)
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
    _party(actor, organization)
    if project.organization_id != organization.pk:
        raise ValidationError({"project": _("Il progetto non è di questo ente.")})
    if not merchants_of(organization).filter(pk=merchant.pk).exists():
        raise ValidationError(
            {"merchant": _("L'esercente non ha sede in un Comune della rete o non è attivo.")}
        )
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
    # Two agreements of a merchant must not overlap, whoever the party (a Comune or the
    # network): serialised on the merchant's row.
    Provider._base_manager.select_for_update().filter(pk=merchant.pk).first()
    clash = _overlapping(merchant.pk, valid_from, valid_until).select_related("organization")
    clash = clash.order_by("valid_from").first()
    if clash is not None:
        raise ValidationError(
            {
                "valid_from": _(
                    "L'esercente ha già un accordo di valore condiviso in questo periodo "
                    "(con %(party)s, dal %(start)s al %(end)s): scelga date che non si "
                    "sovrappongano."
                )
                % {
                    "party": clash.organization.name,
                    "start": clash.valid_from.strftime("%d/%m/%Y"),
                    "end": clash.valid_until.strftime("%d/%m/%Y"),
                }
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
    # Signed by both sides: the merchant's own staff, never the network's reach over it.
    if not acts_for(actor, agreement.merchant_id):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))
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
    """The agreement, if `actor` is of the Comune or network that made it (in its own name) or
    of the merchant it binds."""
    agreement = (
        SharedValueAgreement.objects_unscoped.select_related("merchant", "project", "organization")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        return None
    comune = actor.has_perm(COMUNE_PERMISSION, agreement.organization_id) and acts_for(
        actor, agreement.organization_id
    )
    merchant = any(
        actor.has_perm(p, agreement.merchant_id) for p in MERCHANT_PERMISSIONS
    ) and acts_for(actor, agreement.merchant_id)
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
