"""Welfare plans: drafting a version, its groups and category rules, submitting, approving
(maker-checker: the approver is never who submitted), closing, and a new version from an
approved one. A version that is not a draft is frozen: every edit is refused."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Company
from benecomune.corporate.credit import period_end
from benecomune.corporate.criteria import check_criteria
from benecomune.corporate.lifecycles import PLAN_VERSION
from benecomune.corporate.models import (
    CreditAllocation,
    Delivery,
    LegalBasis,
    PlanCategoryRule,
    PlanGroup,
    PlanOrigin,
    PlanStatus,
    PlanVersion,
    ProRata,
    UnspentRule,
    WelfarePlan,
)

VERSION_FIELDS = ["starts_on", "ends_on", "origin", "binding", "pro_rata", "unspent", "notes"]
GROUP_FIELDS = ["name", "category", "level", "site", "min_seniority_months", "credit"]


def _clean_version(errors: dict, *, starts_on, origin, pro_rata, unspent) -> None:
    if not isinstance(starts_on, date):
        errors["starts_on"] = [_("Indichi il primo giorno del periodo del piano.")]
    if origin not in PlanOrigin.values:
        errors["origin"] = [_("Indichi da dove viene il welfare del piano.")]
    if pro_rata not in ProRata.values:
        errors["pro_rata"] = [_("Regola di riproporzionamento non valida.")]
    if unspent not in UnspentRule.values:
        errors["unspent"] = [_("Indichi che cosa succede al credito non speso.")]


@transaction.atomic
def create_plan(
    actor: Actor,
    company: Company,
    *,
    name: str,
    starts_on: date,
    origin: str,
    binding: bool = True,
    pro_rata: str = ProRata.MONTHS,
    unspent: str = UnspentRule.BACK_TO_COMPANY,
    notes: str = "",
) -> PlanVersion:
    """A new plan and its first version, a draft."""
    actor.require("company.employees", company)
    errors: dict = {}
    name = " ".join((name or "").split())[:200]
    if not name:
        errors["name"] = [_("Dia un nome al piano, per esempio «Welfare 2026».")]
    _clean_version(errors, starts_on=starts_on, origin=origin, pro_rata=pro_rata, unspent=unspent)
    if errors:
        raise ValidationError(errors)
    plan = WelfarePlan.objects_unscoped.create(company=company, name=name)
    version = PlanVersion.objects_unscoped.create(
        plan=plan,
        company=company,
        number=1,
        starts_on=starts_on,
        ends_on=period_end(starts_on),
        origin=origin,
        binding=binding,
        pro_rata=pro_rata,
        unspent=unspent,
        notes=notes.strip(),
    )
    audit.record(
        actor,
        "corporate.plan_created",
        version,
        organization=company,
        after={"name": name, **audit.snapshot(version, VERSION_FIELDS)},
    )
    return version


def _editable(actor: Actor, version: PlanVersion) -> PlanVersion:
    """The version locked, when the actor may edit it and it is still a draft."""
    actor.require("company.employees", version.company_id)
    version = PlanVersion.objects_unscoped.select_for_update().get(pk=version.pk)
    if version.status != PlanStatus.DRAFT:
        raise ValidationError(
            _(
                "La versione %(n)s del piano è «%(status)s» e non si può più cambiare: "
                "per modificarla ne crei una nuova versione."
            )
            % {"n": version.number, "status": version.get_status_display()}
        )
    return version


@transaction.atomic
def update_version(actor: Actor, version: PlanVersion, **fields) -> PlanVersion:
    version = _editable(actor, version)
    values = {f: fields.get(f, getattr(version, f)) for f in VERSION_FIELDS if f != "ends_on"}
    errors: dict = {}
    _clean_version(
        errors,
        starts_on=values["starts_on"],
        origin=values["origin"],
        pro_rata=values["pro_rata"],
        unspent=values["unspent"],
    )
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(version, VERSION_FIELDS)
    for field, value in values.items():
        setattr(version, field, value)
    version.ends_on = period_end(version.starts_on)
    version.save()
    audit.record(
        actor,
        "corporate.plan_updated",
        version,
        organization=version.company_id,
        before=before,
        after=audit.snapshot(version, VERSION_FIELDS),
    )
    return version


@transaction.atomic
def add_group(
    actor: Actor,
    version: PlanVersion,
    *,
    name: str,
    credit: int,
    category: str = "",
    level: str = "",
    site: str = "",
    min_seniority_months: int | None = None,
) -> PlanGroup:
    """A group of beneficiaries by objective criteria, with its yearly credit in cents."""
    version = _editable(actor, version)
    name, level, site = (" ".join((v or "").split()) for v in (name, level, site))
    check_criteria(version.company, name=name, category=category, level=level, site=site)
    if not isinstance(credit, int) or isinstance(credit, bool) or credit <= 0:
        raise ValidationError({"credit": _("Il credito del gruppo deve essere più di zero.")})
    position = (version.group_rows().aggregate(m=Max("position"))["m"] or 0) + 1
    group = PlanGroup.objects_unscoped.create(
        version=version,
        company_id=version.company_id,
        position=position,
        name=name[:120],
        category=category or "",
        level=level[:30],
        site=site[:100],
        min_seniority_months=min_seniority_months or None,
        credit=credit,
    )
    audit.record(
        actor,
        "corporate.plan_group_added",
        version,
        organization=version.company_id,
        after=audit.snapshot(group, GROUP_FIELDS),
    )
    return group


@transaction.atomic
def remove_group(actor: Actor, group: PlanGroup) -> None:
    version = _editable(actor, group.version)
    before = audit.snapshot(group, GROUP_FIELDS)
    group.delete()
    audit.record(
        actor,
        "corporate.plan_group_removed",
        version,
        organization=version.company_id,
        before=before,
    )


@transaction.atomic
def set_rule(
    actor: Actor,
    version: PlanVersion,
    *,
    legal_basis: LegalBasis,
    delivery: str,
    limit: int | None = None,
) -> PlanCategoryRule:
    """Allow a category on its legal basis (or change how): platform-only or reimbursable
    (only where the law allows reimbursing), with an optional limit per employee."""
    version = _editable(actor, version)
    errors: dict = {}
    if not legal_basis.is_active:
        errors["legal_basis"] = [_("Questa base normativa non è più in vigore.")]
    if delivery not in Delivery.values:
        errors["delivery"] = [_("Indichi come si usa il credito in questa categoria.")]
    elif delivery == Delivery.REIMBURSABLE and not legal_basis.reimbursable:
        errors["delivery"] = [
            _(
                "%(ref)s non ammette rimborsi: le opere e i servizi si erogano soltanto "
                "tramite la piattaforma."
            )
            % {"ref": legal_basis.reference}
        ]
    if limit is not None:
        if limit <= 0:
            errors["limit"] = [_("Il limite deve essere più di zero, o vuoto se non c'è.")]
        elif legal_basis.legal_limit is not None and limit > legal_basis.legal_limit:
            errors["limit"] = [
                _("Il limite supera quello di legge per %(ref)s (%(max)s euro).")
                % {
                    "ref": legal_basis.reference,
                    "max": f"{legal_basis.legal_limit / 100:.2f}".replace(".", ","),
                }
            ]
    if errors:
        raise ValidationError(errors)
    rule = PlanCategoryRule.objects_unscoped.filter(
        version=version, legal_basis=legal_basis
    ).first()
    before = {"delivery": rule.delivery, "limit": rule.limit} if rule else None
    if rule is None:
        rule = PlanCategoryRule(
            version=version, company_id=version.company_id, legal_basis=legal_basis
        )
    rule.delivery, rule.limit = delivery, limit
    rule.save()
    audit.record(
        actor,
        "corporate.plan_rule_set",
        version,
        organization=version.company_id,
        before=before,
        after={"legal_basis": legal_basis.code, "delivery": delivery, "limit": limit},
    )
    return rule


@transaction.atomic
def remove_rule(actor: Actor, rule: PlanCategoryRule) -> None:
    version = _editable(actor, rule.version)
    before = {"legal_basis": rule.legal_basis.code, "delivery": rule.delivery, "limit": rule.limit}
    rule.delete()
    audit.record(
        actor,
        "corporate.plan_rule_removed",
        version,
        organization=version.company_id,
        before=before,
    )


def _locked(version: PlanVersion) -> PlanVersion:
    return PlanVersion.objects_unscoped.select_for_update().get(pk=version.pk)


@transaction.atomic
def submit(actor: Actor, version: PlanVersion) -> PlanVersion:
    version = _locked(version)
    PLAN_VERSION.check(actor, version, PlanStatus.SUBMITTED)
    errors = []
    if not version.group_rows().exists():
        errors.append(_("Il piano non ha gruppi di beneficiari: ne aggiunga almeno uno."))
    if not version.rule_rows().exists():
        errors.append(_("Il piano non ha categorie ammesse: ne aggiunga almeno una."))
    if errors:
        raise ValidationError(errors)
    version.submitted_by, version.submitted_at = actor.user, timezone.now()
    PLAN_VERSION.apply(
        actor, version, PlanStatus.SUBMITTED, extra_fields=["submitted_by", "submitted_at"]
    )
    return version


@transaction.atomic
def return_to_draft(actor: Actor, version: PlanVersion, *, reason: str) -> PlanVersion:
    version = _locked(version)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Scriva perché la versione torna in bozza.")})
    PLAN_VERSION.apply(actor, version, PlanStatus.DRAFT, reason=reason.strip())
    return version


@transaction.atomic
def approve(actor: Actor, version: PlanVersion) -> PlanVersion:
    """Approve and freeze; the approved version it replaces (if any) is closed."""
    version = _locked(version)
    PLAN_VERSION.check(actor, version, PlanStatus.APPROVED)
    if actor.user is not None and version.submitted_by_id == actor.user.pk:
        raise ValidationError(
            _(
                "Ha presentato lei questa versione: la approvi un altro amministratore "
                "(principio dei quattro occhi)."
            )
        )
    version.approved_by, version.approved_at = actor.user, timezone.now()
    PLAN_VERSION.apply(
        actor, version, PlanStatus.APPROVED, extra_fields=["approved_by", "approved_at"]
    )
    previous = (
        PlanVersion.objects_unscoped.select_for_update()
        .filter(plan_id=version.plan_id, status=PlanStatus.APPROVED)
        .exclude(pk=version.pk)
    )
    for old in previous:
        PLAN_VERSION.apply(
            actor, old, PlanStatus.CLOSED, reason=_("Sostituita da una nuova versione.")
        )
    return version


CLOSE_REASON_LENGTH = (5, 300)


def closing_summary(version: PlanVersion) -> dict:
    """What closing `version` leaves to its employees: the credit already allocated (it stays
    in their wallets, spendable until the period's end), how many have it, the period's end."""
    rows = CreditAllocation.objects_unscoped.filter(version=version)
    totals = rows.aggregate(total=Sum("amount"), employees=Count("employee", distinct=True))
    return {
        "allocated": totals["total"] or 0,
        "employees": totals["employees"],
        "ends_on": version.ends_on,
    }


@transaction.atomic
def close(actor: Actor, version: PlanVersion, *, reason: str) -> PlanVersion:
    """Close an approved version, for good: no more allocations, funding requests, claims or
    payroll requests on it; the credit already allocated stays spendable until the period's
    end. The reason (5 to 300 characters) goes in the audit event."""
    version = _locked(version)
    PLAN_VERSION.check(actor, version, PlanStatus.CLOSED)
    reason = " ".join((reason or "").split())
    shortest, longest = CLOSE_REASON_LENGTH
    if not shortest <= len(reason) <= longest:
        raise ValidationError(
            {
                "reason": _(
                    "Scriva perché chiude il piano, da %(min)s a %(max)s caratteri: "
                    "il piano resta in vigore."
                )
                % {"min": shortest, "max": longest}
            }
        )
    PLAN_VERSION.apply(actor, version, PlanStatus.CLOSED, reason=reason)
    return version


@transaction.atomic
def new_version(actor: Actor, version: PlanVersion) -> PlanVersion:
    """A draft copy of an approved version (its groups and rules), to change the plan."""
    actor.require("company.employees", version.company_id)
    version = _locked(version)
    if version.status != PlanStatus.APPROVED:
        raise ValidationError(_("Una nuova versione si crea da quella approvata."))
    if PlanVersion.objects_unscoped.filter(
        plan_id=version.plan_id, status__in=[PlanStatus.DRAFT, PlanStatus.SUBMITTED]
    ).exists():
        raise ValidationError(_("C'è già una versione in lavorazione di questo piano."))
    number = PlanVersion.objects_unscoped.filter(plan_id=version.plan_id).aggregate(
        m=Max("number")
    )["m"]
    copy = PlanVersion.objects_unscoped.create(
        plan_id=version.plan_id,
        company_id=version.company_id,
        number=number + 1,
        based_on=version,
        **{f: getattr(version, f) for f in VERSION_FIELDS},
    )
    for group in version.group_rows():
        PlanGroup.objects_unscoped.create(
            version=copy,
            company_id=copy.company_id,
            position=group.position,
            **{f: getattr(group, f) for f in GROUP_FIELDS},
        )
    for rule in version.rule_rows():
        PlanCategoryRule.objects_unscoped.create(
            version=copy,
            company_id=copy.company_id,
            legal_basis_id=rule.legal_basis_id,
            delivery=rule.delivery,
            limit=rule.limit,
        )
    audit.record(
        actor,
        "corporate.plan_version_created",
        copy,
        organization=copy.company_id,
        after={"number": copy.number, "based_on": version.number},
    )
    return copy
