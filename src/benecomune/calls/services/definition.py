"""Defining a call and moving it through its lifecycle (draft → published → closed → ranked →
awarded → closed out). The rules of a published call are frozen: `new_version` copies it into a
draft, and publishing that draft supersedes the old version (its applications move over)."""

import datetime
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.exceptions import CallError
from benecomune.calls.lifecycles import CALL
from benecomune.calls.models import (
    Application,
    ApplicationMember,
    Call,
    CallReservation,
    CallShare,
    CallStatus,
    ShareMode,
)
from benecomune.calls.services.facts import call_municipality_ids, registry_households
from benecomune.calls.services.shares import ComuneTotals, allocate, is_joint, plan_for
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Municipality, Network, Organization
from benecomune.ledger.models import Fund, Reservation
from benecomune.ledger.services.funds import release, reserve

EDITABLE_FIELDS = [
    "code",
    "title",
    "summary",
    "description",
    "benefit_type",
    "fund",
    "budget",
    "share_mode",
    "redistribute_unused",
    "rules",
    "opens_at",
    "closes_at",
    "spend_from",
    "spend_until",
    "allowed_categories",
    "appeal_days",
    "legal_reference",
]


def _validate(call: Call, shares: list[tuple[Municipality, int]]) -> None:
    errors = {}
    try:
        call.rules = engine.parse_rules(call.rules).to_json()
    except ValidationError as exc:
        errors["rules"] = exc.messages
    if type(call.budget) is not int or call.budget <= 0:
        errors["budget"] = [_("Il budget deve essere maggiore di zero.")]
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors["closes_at"] = [_("La chiusura delle domande deve seguire l'apertura.")]
    if call.spend_from and call.spend_until and call.spend_until < call.spend_from:
        errors["spend_until"] = [_("La fine dell'utilizzo precede l'inizio.")]
    if call.fund_id and call.fund.organization_id != call.organization_id:
        errors["fund"] = [_("Il fondo deve appartenere all'ente titolare del bando.")]
    owner = call.organization.specific
    if isinstance(owner, Network):
        if not shares:
            errors["shares"] = [_("Un bando della rete indica i Comuni che vi aderiscono.")]
        elif any(m.network_id != owner.pk for m, _amount in shares):
            errors["shares"] = [_("I Comuni aderenti devono appartenere alla rete.")]
        elif sum(amount for _m, amount in shares) not in (0, call.budget):
            errors["shares"] = [_("Le quote dei Comuni devono sommare al budget del bando.")]
        elif call.share_mode == ShareMode.PER_MUNICIPALITY and not all(a for _m, a in shares):
            errors["shares"] = [
                _(
                    "Con il budget diviso per Comune ogni Comune aderente ha una quota: "
                    "indichi la quota di ciascuno."
                )
            ]
    elif shares and any(m.pk != owner.pk for m, _amount in shares):
        errors["shares"] = [_("Un bando comunale riguarda i residenti del solo Comune.")]
    if call.share_mode not in ShareMode.values:
        errors["share_mode"] = [_("Scelga come si usano le quote dei Comuni.")]
    elif call.share_mode == ShareMode.PER_MUNICIPALITY and not isinstance(owner, Network):
        errors["share_mode"] = [_("Le quote per Comune valgono solo per i bandi di una rete.")]
    if call.redistribute_unused and call.share_mode != ShareMode.PER_MUNICIPALITY:
        errors["redistribute_unused"] = [
            _("La ridistribuzione vale solo se il budget è diviso nelle quote dei Comuni.")
        ]
    if errors:
        raise ValidationError(errors)


def _set_shares(call: Call, shares) -> None:
    call.shares.all().delete()
    CallShare.objects.bulk_create(
        CallShare(call=call, municipality=m, amount=amount) for m, amount in shares
    )


@transaction.atomic
def create_call(actor: Actor, *, organization: Organization, shares=(), **fields) -> Call:
    """A new draft call. `shares` lists (Municipality, cents) for a network's joint call."""
    actor.require("calls.manage", organization)
    shares = list(shares)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown call fields: {sorted(unknown)}")
    call = Call(organization=organization, **fields)
    if not call.code:
        raise ValidationError({"code": [_("Indichi un codice breve per il bando.")]})
    if Call.objects_unscoped.filter(organization=organization, code=call.code).exists():
        raise ValidationError({"code": [_("Esiste già un bando con questo codice.")]})
    _validate(call, shares)
    call.save()
    _set_shares(call, shares)
    audit.record(
        actor,
        "calls.call_created",
        call,
        organization=organization,
        after=audit.snapshot(call, EDITABLE_FIELDS),
    )
    return call


def apply_draft_changes(actor: Actor, call: Call, shares, fields) -> tuple[Call, dict, dict, bool]:
    """Lock the draft, apply and validate the changes, save: (call, before, after, changed).
    The caller runs it in its transaction and writes the audit event. `changed` compares the
    values themselves (the snapshots hold the rules as text, whose key order may differ)."""
    call = Call.objects_unscoped.select_for_update().get(pk=call.pk)
    actor.require("calls.manage", call.organization_id)
    if call.is_frozen:
        raise CallError(
            _("Il bando è già pubblicato e le sue regole sono bloccate: crei una nuova versione.")
        )
    before = audit.snapshot(call, EDITABLE_FIELDS)
    old_values = _values(call)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise TypeError(f"unknown call field: {name}")
        setattr(call, name, value)
    current_shares = [
        (s.municipality, s.amount) for s in call.shares.select_related("municipality")
    ]
    shares = current_shares if shares is None else list(shares)
    _validate(call, shares)
    call.save()
    _set_shares(call, shares)
    changed = old_values != _values(call) or _share_key(current_shares) != _share_key(shares)
    return call, before, audit.snapshot(call, EDITABLE_FIELDS), changed


def _values(call: Call) -> dict:
    return {name: getattr(call, "fund_id" if name == "fund" else name) for name in EDITABLE_FIELDS}


def _share_key(shares) -> list[tuple[int, int]]:
    return sorted((m.pk, amount) for m, amount in shares)


@transaction.atomic
def update_call(actor: Actor, call: Call, *, shares=None, **fields) -> Call:
    """Change a draft. A published call is frozen: use `new_version`."""
    call, before, after, _changed = apply_draft_changes(actor, call, shares, fields)
    audit.record(
        actor,
        "calls.call_updated",
        call,
        organization=call.organization,
        before=before,
        after=after,
    )
    return call


@transaction.atomic
def new_version(actor: Actor, call: Call, *, reason: str) -> Call:
    """Copy a published call into a new draft version, to change its rules."""
    call = Call.objects_unscoped.select_for_update().get(pk=call.pk)
    actor.require("calls.manage", call.organization_id)
    if call.status != CallStatus.PUBLISHED:
        raise CallError(_("Si crea una nuova versione solo di un bando pubblicato e aperto."))
    if hasattr(call, "next_version"):
        raise CallError(_("Esiste già una nuova versione di questo bando."))
    if not reason.strip():
        raise CallError(_("Indichi il motivo della modifica."))
    draft = Call.objects_unscoped.get(pk=call.pk)
    draft.pk = None
    draft.id = None
    draft._state.adding = True
    draft.version = call.version + 1
    draft.previous_version = call
    draft.status = CallStatus.DRAFT
    draft.published_at = None
    draft.protocol_counter = 0
    draft.save()
    _set_shares(draft, [(s.municipality, s.amount) for s in call.shares.all()])
    audit.record(
        actor,
        "calls.call_new_version",
        draft,
        organization=call.organization,
        before={"version": call.version},
        after={"version": draft.version},
        reason=reason,
    )
    return draft


def _reserve_budget(actor: Actor, call: Call) -> None:
    reservation = reserve(
        actor,
        call.fund,
        call.budget,
        obj=call,
        reason=_("Budget del bando %(title)s") % {"title": call.title},
        idempotency_key=f"calls:call:{call.pk}:budget",
    )
    CallReservation.objects.create(call=call, reservation=reservation)


@transaction.atomic
def publish_call(actor: Actor, call: Call) -> Call:
    """Publish a draft: its rules freeze and its whole budget is reserved on the fund, so the
    call can never promise more than the fund holds. A new version supersedes the previous one,
    whose budget is released and whose applications move to the new version."""
    call = Call.objects_unscoped.select_for_update().get(pk=call.pk)
    actor.require("calls.manage", call.organization_id)
    if call.status != CallStatus.DRAFT:
        raise CallError(_("Il bando non è in bozza."))
    _validate(call, [(s.municipality, s.amount) for s in call.shares.all()])
    now = timezone.now()
    if call.closes_at <= now:
        raise CallError(_("La data di chiusura delle domande è già passata."))
    previous = call.previous_version
    if previous is not None:
        previous = Call.objects_unscoped.select_for_update().get(pk=previous.pk)
        if previous.status != CallStatus.PUBLISHED:
            raise CallError(_("La versione precedente non è più aperta."))
        old = CallReservation.objects.select_related("reservation").get(call=previous)
        release(
            actor,
            old.reservation,
            reason=_("Sostituito dalla versione %(v)s") % {"v": call.version},
        )
        moved = Application.objects_unscoped.filter(call=previous).update(call=call)
        ApplicationMember.objects.filter(call=previous).update(call=call)
        call.protocol_counter = previous.protocol_counter
        CALL.apply(
            actor,
            previous,
            CallStatus.SUPERSEDED,
            organization=previous.organization,
            after={"by": call.pk, "applications_moved": moved},
        )
    _reserve_budget(actor, call)
    call.published_at = now
    CALL.apply(
        actor,
        call,
        CallStatus.PUBLISHED,
        extra_fields=["published_at", "protocol_counter", "rules"],
        organization=call.organization,
    )
    if previous is not None:
        from benecomune.calls.services.evaluation import reevaluate_call

        reevaluate_call(actor, call)
    return call


@transaction.atomic
def close_call(actor: Actor, call: Call, *, reason: str = "") -> Call:
    """Stop accepting applications. Before the announced closing time only with a reason."""
    call = Call.objects_unscoped.select_for_update().get(pk=call.pk)
    actor.require("calls.manage", call.organization_id)
    if call.status != CallStatus.PUBLISHED:
        raise CallError(_("Il bando non è aperto."))
    now = timezone.now()
    if now < call.closes_at and not reason.strip():
        raise CallError(_("Per chiudere il bando prima della scadenza indichi il motivo."))
    call.closed_at = now
    CALL.apply(
        actor,
        call,
        CallStatus.CLOSED,
        extra_fields=["closed_at"],
        organization=call.organization,
        reason=reason,
    )
    # Drafts never submitted leave the call: they hold no place in it any more.
    drafts = Application.objects_unscoped.filter(call=call, status="draft")
    ApplicationMember.objects.filter(application__in=drafts).update(active=False)
    return call


@transaction.atomic
def close_out_call(actor: Actor, call: Call, *, reason: str = "") -> Call:
    """Conclude an awarded call: whatever of its reservation is still open goes back to the
    fund's free balance (for reimbursement calls, after the claim window)."""
    call = Call.objects_unscoped.select_for_update().get(pk=call.pk)
    actor.require("calls.manage", call.organization_id)
    if call.status != CallStatus.AWARDED:
        raise CallError(_("Si conclude solo un bando con i contributi assegnati."))
    today = timezone.localdate()
    if (
        call.benefit_type == "reimbursement"
        and call.spend_until
        and today <= call.spend_until
        and not reason.strip()
    ):
        raise CallError(
            _("Il periodo per chiedere i rimborsi non è finito: indichi il motivo per concludere.")
        )
    holder = CallReservation.objects.filter(call=call).first()
    if holder is not None:
        reservation = Reservation.objects_unscoped.get(pk=holder.reservation_id)
        if reservation.open_amount > 0:
            release(actor, reservation, reason=_("Conclusione del bando"))
    call.closed_out_at = timezone.now()
    CALL.apply(
        actor,
        call,
        CallStatus.CLOSED_OUT,
        extra_fields=["closed_out_at"],
        organization=call.organization,
        reason=reason,
    )
    return call


def dry_run(call: Call, on: datetime.date | None = None) -> dict:
    """How many households in the registry would qualify today, and what it would cost."""
    on = on or timezone.localdate()
    parsed = engine.parse_rules(call.rules)
    municipalities = call_municipality_ids(call)
    if parsed.eligibility.municipalities:
        municipalities = [m for m in municipalities if m in parsed.eligibility.municipalities]
    households = qualifying = cost = 0
    failures: Counter = Counter()
    by_municipality: Counter = Counter()
    cost_by_municipality: Counter = Counter()
    ranked = []
    for facts in registry_households(municipalities, on):
        households += 1
        outcome = engine.evaluate(parsed, facts, on, municipalities)
        if outcome.eligible:
            qualifying += 1
            cost += outcome.amount
            by_municipality[facts.municipality_id] += 1
            cost_by_municipality[facts.municipality_id] += outcome.amount
            key = engine.rank_key(outcome.score, outcome.tie_values)
            ranked.append((key, len(ranked), outcome.amount, facts.municipality_id))
        else:
            failures.update(f.code for f in outcome.failures)
    # If every household applied: the ranking's order (registry order stands in for the time
    # of submission) and the allocation the ranking would make, share by share.
    ranked.sort()
    allocation = allocate([(amount, m) for _k, _n, amount, m in ranked], plan_for(call))
    names = dict(Municipality.objects.filter(pk__in=municipalities).values_list("pk", "name"))
    available = None
    if call.fund_id:
        from benecomune.ledger.services.funds import fund_summary

        available = fund_summary(Fund.objects_unscoped.get(pk=call.fund_id))["available"]
    return {
        "households": households,
        "qualifying": qualifying,
        "cost": cost,
        "budget": call.budget,
        "covered": cost <= call.budget,
        "fund_available": available,
        "failures": dict(failures.most_common()),
        "funded": allocation.funded_count,
        "funded_cost": allocation.funded_total,
        "joint": is_joint(call),
        "by_municipality": [
            _dry_run_row(names.get(m, str(m)), m, by_municipality, cost_by_municipality, allocation)
            for m in municipalities
        ],
    }


def _dry_run_row(name, m, qualifying, cost, allocation) -> dict:
    totals = allocation.totals.get(m) or ComuneTotals()
    return {
        "name": name,
        "qualifying": qualifying[m],
        "cost": cost[m],
        "share": totals.share,
        "funded": totals.funded,
        "funded_cost": totals.awarded,
        "redistributed": totals.redistributed,
        "difference": totals.difference,
    }


__all__ = [
    "close_call",
    "close_out_call",
    "create_call",
    "dry_run",
    "new_version",
    "publish_call",
    "update_call",
]
