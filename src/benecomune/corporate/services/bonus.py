"""Productivity bonus conversion (L. 199/2025 art. 1 c. 9): HR records each employee's bonus
of a year; the employee, declaring last year's income not above the limit, converts part or
all of it into welfare credit, within the year's cap (`BonusRule` rows), once.

The converted credit belongs to the plan version current when the employee chooses; the next
allocation run pays it into a wallet of its own (`BonusConversion.wallet`), so reports keep it
apart from the plan's credit. Every refusal has an Italian message and changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.corporate.models import (
    BonusConversion,
    BonusRule,
    Employee,
    PlanStatus,
    PlanVersion,
    ProductivityBonus,
)
from benecomune.ledger.money import format_euro


def rule_for(year: int) -> BonusRule | None:
    return BonusRule.objects.filter(year=year).first()


@transaction.atomic
def record_bonus(actor: Actor, employee: Employee, *, year: int, amount: int) -> ProductivityBonus:
    """HR records (or corrects, until the employee has converted it) a bonus of a year."""
    actor.require("company.employees", employee.company_id)
    errors: dict = {}
    if type(amount) is not int or amount <= 0:
        errors["amount"] = [_("Indichi l'importo del premio, più di zero.")]
    if rule_for(year) is None:
        errors["year"] = [
            _("Per il %(year)s non ci sono regole di conversione del premio di risultato.")
            % {"year": year}
        ]
    if errors:
        raise ValidationError(errors)
    bonus = (
        ProductivityBonus.objects_unscoped.select_for_update()
        .filter(employee=employee, year=year)
        .first()
    )
    before = None
    if bonus is not None:
        if BonusConversion.objects_unscoped.filter(bonus=bonus).exists():
            raise ValidationError(
                _("Il dipendente ha già convertito il premio del %(year)s: non si cambia.")
                % {"year": year}
            )
        before = {"amount": bonus.amount}
        if bonus.amount == amount:
            return bonus
        bonus.amount, bonus.recorded_by = amount, actor.user
        bonus.save(update_fields=["amount", "recorded_by", "updated_at"])
    else:
        bonus = ProductivityBonus.objects_unscoped.create(
            company_id=employee.company_id,
            employee=employee,
            year=year,
            amount=amount,
            recorded_by=actor.user,
        )
    audit.record(
        actor,
        "corporate.bonus_recorded",
        bonus,
        organization=employee.company_id,
        person=employee.person_id,
        before=before,
        after={"year": year, "amount": amount},
    )
    return bonus


def current_version(company_id: int, day=None) -> PlanVersion | None:
    """The approved version of the company whose period holds `day` (the latest started)."""
    day = day or timezone.localdate()
    return (
        PlanVersion.objects_unscoped.filter(
            company_id=company_id,
            status=PlanStatus.APPROVED,
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .select_related("plan")
        .order_by("-starts_on", "-pk")
        .first()
    )


@transaction.atomic
def convert_bonus(
    actor: Actor, bonus: ProductivityBonus, *, amount: int, income_declared: bool
) -> BonusConversion:
    """The employee converts `amount` cents of their bonus into welfare credit."""
    bonus = (
        ProductivityBonus.objects_unscoped.select_for_update()
        .select_related("employee")
        .get(pk=bonus.pk)
    )
    employee = bonus.employee
    person_id = getattr(actor.user, "person_id", None)
    if actor.membership is not None or person_id is None or person_id != employee.person_id:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Solo il dipendente sceglie la conversione del proprio premio."))
    rule = rule_for(bonus.year)
    errors: dict = {}
    if BonusConversion.objects_unscoped.filter(bonus=bonus).exists():
        raise ValidationError(
            _("Ha già scelto la conversione del premio del %(year)s: la scelta non si ripete.")
            % {"year": bonus.year}
        )
    if rule is None:
        raise ValidationError(
            _("Per il %(year)s non ci sono regole di conversione del premio di risultato.")
            % {"year": bonus.year}
        )
    if not income_declared:
        errors["income_declared"] = [
            _(
                "Per convertire il premio dichiari che il reddito da lavoro dipendente del "
                "%(year)s non ha superato %(limit)s (%(ref)s)."
            )
            % {
                "year": bonus.year - 1,
                "limit": format_euro(rule.income_limit),
                "ref": rule.reference,
            }
        ]
    if type(amount) is not int or amount <= 0:
        errors["amount"] = [_("Indichi quanto del premio vuole convertire, più di zero.")]
    elif amount > bonus.amount:
        errors["amount"] = [
            _("Non può convertire più del premio (%(bonus)s).")
            % {"bonus": format_euro(bonus.amount)}
        ]
    elif amount > rule.cap:
        errors["amount"] = [
            _("Si possono convertire al massimo %(cap)s nel %(year)s (%(ref)s).")
            % {"cap": format_euro(rule.cap), "year": bonus.year, "ref": rule.reference}
        ]
    version = current_version(employee.company_id)
    if version is None:
        errors.setdefault("__all__", []).append(
            _(
                "L'azienda non ha un piano di welfare approvato in corso che possa ricevere "
                "il credito."
            )
        )
    if errors:
        raise ValidationError(errors)
    conversion = BonusConversion.objects_unscoped.create(
        bonus=bonus,
        company_id=bonus.company_id,
        employee=employee,
        version=version,
        amount=amount,
        income_year=bonus.year - 1,
        income_declared=True,
        rule_reference=rule.reference,
        declared_by=actor.user,
    )
    audit.record(
        actor,
        "corporate.bonus_converted",
        conversion,
        organization=bonus.company_id,
        person=employee.person_id,
        after={
            "year": bonus.year,
            "bonus": bonus.amount,
            "amount": amount,
            "version": version.pk,
            "income_year": bonus.year - 1,
            "rule": rule.reference,
        },
    )
    return conversion
