"""Shared value (issue 19, point 1): social projects and agreements, one function per use case,
each one transaction with its audit event. The routing of money is in shared_value_routing.py.

The party of a project or an agreement is a Comune or a network of Comuni, each acting in its
own name only (`_party`): a network's staff hold permissions over their member Comuni too, but
a network's project is the network's and a Comune's the Comune's. A network makes agreements
with the merchants of its member Comuni (`merchants_of`). A merchant has at most one agreement
(proposed or signed) per day, whichever the party: the overlap check ignores who proposed it,
so the payment's share always has one destination.

A proposal is refused by the merchant (`refuse_agreement`) or withdrawn by its party
(`withdraw_agreement`) while the merchant has not accepted it: it then blocks no dates and
never routes. A signed agreement is ended early by either side (`end_agreement`): its last day
becomes the chosen one (today at the earliest), what was routed before stays in the ledger.
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
    AgreementState,
    ProjectStatus,
    SharedValueAgreement,
    ShareMode,
    SocialProject,
)
from benecomune.observatory.models.shared_value import LIVE

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
    """The merchant's agreements, proposed or signed (not refused nor withdrawn), on these
    days; an agreement ended early counts up to its new last day."""
    rows = SharedValueAgreement.objects_unscoped.filter(
        LIVE, merchant_id=merchant_id, valid_from__lte=end, valid_until__gte=start
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
    _merchant_side(actor, agreement)
    agreement = SharedValueAgreement.objects_unscoped.select_for_update().get(pk=agreement.pk)
    if agreement.closed:
        raise ValidationError(_closed_message(agreement))
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


# --- refusal, withdrawal, early end ---------------------------------------------------------


def is_party(actor: Actor, agreement: SharedValueAgreement) -> bool:
    """Of the Comune or network that proposed it, in its own name, with `funds.manage`."""
    return actor.has_perm(COMUNE_PERMISSION, agreement.organization_id) and acts_for(
        actor, agreement.organization_id
    )


def is_merchant(actor: Actor, agreement: SharedValueAgreement) -> bool:
    """Of the merchant it binds, its own staff (never a network's reach over the shop)."""
    return any(actor.has_perm(p, agreement.merchant_id) for p in MERCHANT_PERMISSIONS) and acts_for(
        actor, agreement.merchant_id
    )


def _merchant_side(actor: Actor, agreement: SharedValueAgreement) -> None:
    if not any(actor.has_perm(p, agreement.merchant_id) for p in MERCHANT_PERMISSIONS):
        actor.require(MERCHANT_PERMISSIONS[0], agreement.merchant_id)
    # The merchant's own staff, never the network's reach over it.
    if not acts_for(actor, agreement.merchant_id):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))


def _party_side(actor: Actor, agreement: SharedValueAgreement) -> None:
    actor.require(COMUNE_PERMISSION, agreement.organization_id)
    if not acts_for(actor, agreement.organization_id):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))


def _date(day) -> str:
    return day.strftime("%d/%m/%Y")


def _closed_message(agreement: SharedValueAgreement) -> str:
    if agreement.refused_at is not None:
        return _("La proposta è già stata rifiutata dall'esercente il %(date)s.") % {
            "date": _date(timezone.localtime(agreement.refused_at))
        }
    return _("La proposta è già stata ritirata il %(date)s.") % {
        "date": _date(timezone.localtime(agreement.withdrawn_at))
    }


def _still_proposed(agreement: SharedValueAgreement) -> None:
    """Refused in Italian unless the agreement is a proposal the merchant has not answered."""
    if agreement.closed:
        raise ValidationError(_closed_message(agreement))
    if agreement.merchant_signed_at is not None:
        raise ValidationError(
            _(
                "L'esercente ha già accettato l'accordo: non è più una proposta. Si può "
                "terminarlo in anticipo."
            )
        )


def _clean_reason(reason) -> str:
    return (reason or "").strip()[:1000]


def _side_organization(actor: Actor, agreement: SharedValueAgreement) -> Organization:
    """The organisation in whose name `actor` acts on the agreement (the audit event's)."""
    if is_party(actor, agreement):
        return agreement.organization
    return Organization(pk=agreement.merchant_id)


def _close_proposal(
    actor: Actor, agreement: SharedValueAgreement, state: AgreementState, reason: str
) -> SharedValueAgreement:
    """Refused or withdrawn (`state`), with its audit event, under the lock on the row."""
    agreement = SharedValueAgreement.objects_unscoped.select_for_update().get(pk=agreement.pk)
    _still_proposed(agreement)
    reason = _clean_reason(reason)
    if state == AgreementState.REFUSED and not reason:
        raise ValidationError({"reason": _("Indichi il motivo del rifiuto.")})
    prefix = "refused" if state == AgreementState.REFUSED else "withdrawn"
    setattr(agreement, f"{prefix}_at", timezone.now())
    setattr(agreement, f"{prefix}_by", actor.user)
    agreement.closing_reason = reason
    agreement.save(update_fields=[f"{prefix}_at", f"{prefix}_by", "closing_reason"])
    audit.record(
        actor,
        f"observatory.agreement_{prefix}",
        agreement,
        organization=_side_organization(actor, agreement),
        before={"state": AgreementState.PROPOSED.value},
        after={"agreement": agreement.pk, "state": state.value},
        reason=reason,
    )
    return agreement


@transaction.atomic
def refuse_agreement(
    actor: Actor, agreement: SharedValueAgreement, *, reason: str
) -> SharedValueAgreement:
    """The merchant refuses a proposal it has not accepted, saying why: the proposal frees its
    dates (another one may be made for them) and never routes a share."""
    _merchant_side(actor, agreement)
    return _close_proposal(actor, agreement, AgreementState.REFUSED, reason)


@transaction.atomic
def withdraw_agreement(
    actor: Actor, agreement: SharedValueAgreement, *, reason: str = ""
) -> SharedValueAgreement:
    """The proposing Comune or network withdraws a proposal the merchant has not accepted (the
    reason is optional): it frees the merchant's dates and never routes a share."""
    _party_side(actor, agreement)
    return _close_proposal(actor, agreement, AgreementState.WITHDRAWN, reason)


@transaction.atomic
def end_agreement(
    actor: Actor, agreement: SharedValueAgreement, *, last_day: datetime.date, reason: str
) -> SharedValueAgreement:
    """Either side ends a signed agreement early: `last_day` (today at the earliest, not before
    the agreement's first day, before its signed end) becomes its `valid_until`. Payments
    after it route nothing; the shares already routed stay (the ledger is never rewritten)."""
    if not (is_party(actor, agreement) or is_merchant(actor, agreement)):
        _merchant_side(actor, agreement)  # a precise PermissionDenied for anyone else
    agreement = SharedValueAgreement.objects_unscoped.select_for_update().get(pk=agreement.pk)
    if agreement.closed:
        raise ValidationError(_closed_message(agreement))
    if not agreement.signed:
        raise ValidationError(
            _(
                "L'esercente non ha ancora accettato l'accordo: la proposta si ritira (il "
                "Comune o la rete) o si rifiuta (l'esercente)."
            )
        )
    if agreement.ended_at is not None:
        raise ValidationError(
            _("L'accordo è già stato terminato in anticipo: vale fino al %(date)s.")
            % {"date": _date(agreement.valid_until)}
        )
    today = timezone.localdate()
    if agreement.valid_until < today:
        raise ValidationError(
            _("L'accordo è scaduto il %(date)s.") % {"date": _date(agreement.valid_until)}
        )
    errors = {}
    reason = _clean_reason(reason)
    if not reason:
        errors["reason"] = _("Indichi il motivo della chiusura anticipata.")
    if not isinstance(last_day, datetime.date):
        errors["last_day"] = _("Indichi l'ultimo giorno dell'accordo.")
    elif last_day < today:
        errors["last_day"] = _("L'ultimo giorno non può essere nel passato.")
    elif last_day < agreement.valid_from:
        errors["last_day"] = _(
            "L'ultimo giorno non può precedere l'inizio dell'accordo (%(date)s)."
        ) % {"date": _date(agreement.valid_from)}
    elif last_day >= agreement.valid_until:
        errors["last_day"] = _(
            "L'ultimo giorno deve precedere la scadenza dell'accordo (%(date)s)."
        ) % {"date": _date(agreement.valid_until)}
    if errors:
        raise ValidationError(errors)
    before = {
        "state": AgreementState.SIGNED.value,
        "valid_until": agreement.valid_until.isoformat(),
    }
    agreement.signed_until = agreement.valid_until
    agreement.valid_until = last_day
    agreement.ended_at, agreement.ended_by = timezone.now(), actor.user
    agreement.closing_reason = reason
    agreement.save(
        update_fields=["valid_until", "signed_until", "ended_at", "ended_by", "closing_reason"]
    )
    audit.record(
        actor,
        "observatory.agreement_ended",
        agreement,
        organization=_side_organization(actor, agreement),
        before=before,
        after={
            "agreement": agreement.pk,
            "state": AgreementState.ENDED.value,
            "valid_until": last_day.isoformat(),
            "by": "party" if is_party(actor, agreement) else "merchant",
        },
        reason=reason,
    )
    return agreement


def agreement_for(actor: Actor, pk: int, side: str | None = None) -> SharedValueAgreement | None:
    """The agreement, if `actor` is of the Comune or network that made it (in its own name) or
    of the merchant it binds; `side` ("party" or "merchant") asks for that side only."""
    agreement = (
        SharedValueAgreement.objects_unscoped.select_related("merchant", "project", "organization")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        return None
    comune = side != "merchant" and is_party(actor, agreement)
    merchant = side != "party" and is_merchant(actor, agreement)
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
