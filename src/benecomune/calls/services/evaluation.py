"""Applying a call's rules to an application, and checking its data through the adapters."""

from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.adapters import isee_adapter, residence_adapter
from benecomune.calls.models import Application, ApplicationStatus
from benecomune.calls.services.facts import call_municipality_ids, facts_from_application
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.ledger.money import format_euro

# Every field an evaluation sets, and every field the registry checks set. Whoever saves an
# evaluated application saves the list `apply_outcome` / `reassess` return, never its own copy.
OUTCOME_FIELDS = ("eligible", "eligibility_notes", "amount", "score", "tie_values", "rank_key")
CHECK_FIELDS = ("checks", "checks_mismatch")


def outcome_for(application: Application, on=None) -> engine.Outcome:
    """What the call's rules say about the application's data (nothing is changed)."""
    call = application.call
    return engine.evaluate(
        engine.parse_rules(call.rules),
        facts_from_application(application),
        on or timezone.localdate(),
        call_municipality_ids(call),
    )


def apply_outcome(application: Application, outcome: engine.Outcome) -> list[str]:
    """Store the rules engine's verdict on the application (no save): eligibility, amount,
    score, tie values and the rank key derived from them. Returns the fields it set."""
    application.eligible = outcome.eligible
    application.eligibility_notes = [
        {"code": f.code, "message": f.message} for f in outcome.failures
    ]
    application.amount = outcome.amount
    application.score = outcome.score
    application.tie_values = list(outcome.tie_values)
    application.derive_rank_key()
    return list(OUTCOME_FIELDS)


def evaluate_application(application: Application, on=None) -> engine.Outcome:
    """Run the rules engine and apply its outcome to the application (no save)."""
    outcome = outcome_for(application, on)
    apply_outcome(application, outcome)
    return outcome


def reassess(application: Application, on=None) -> list[str]:
    """Ask ANPR and INPS again and re-apply the rules (no save); returns every field set."""
    run_checks(application, on)
    return [*CHECK_FIELDS, *apply_outcome(application, outcome_for(application, on))]


def run_checks(application: Application, on=None) -> dict:
    """Ask ANPR (residence, household) and INPS (ISEE) and compare with what was declared.
    Mismatches are flagged for the operator; they do not decide anything by themselves."""
    on = on or timezone.localdate()
    applicant_code = application.applicant.fiscal_code
    declared_codes = set(
        application.members.filter(active=True).values_list("fiscal_code", flat=True)
    )
    residence = residence_adapter().lookup(applicant_code)
    checks: dict = {"checked_at": timezone.now().isoformat()}
    if not residence.found:
        checks["residence"] = {"ok": False, "message": _("Richiedente non trovato in anagrafe.")}
    else:
        problems = []
        if residence.municipality_id != application.organization_id:
            problems.append(_("in anagrafe risiede in un altro Comune"))
        missing = declared_codes - residence.household_fiscal_codes
        extra = residence.household_fiscal_codes - declared_codes
        if missing:
            problems.append(
                _("componenti dichiarati ma non nel nucleo anagrafico: %(codes)s")
                % {"codes": ", ".join(sorted(missing))}
            )
        if extra:
            problems.append(
                _("componenti del nucleo anagrafico non dichiarati: %(codes)s")
                % {"codes": ", ".join(sorted(extra))}
            )
        checks["residence"] = {
            "ok": not problems,
            "message": "; ".join(problems) if problems else _("Residenza e nucleo confermati."),
        }
    if application.isee_value is not None:
        isee = isee_adapter().lookup(applicant_code, on)
        if not isee.found:
            checks["isee"] = {"ok": False, "message": _("Nessuna attestazione ISEE trovata.")}
        elif isee.value != application.isee_value or (
            application.isee_protocol and isee.protocol != application.isee_protocol
        ):
            checks["isee"] = {
                "ok": False,
                "message": _("INPS riporta ISEE %(value)s (protocollo %(protocol)s).")
                % {"value": format_euro(isee.value), "protocol": isee.protocol},
            }
        else:
            checks["isee"] = {"ok": True, "message": _("Valore ISEE confermato da INPS.")}
    application.checks = checks
    application.checks_mismatch = any(
        isinstance(v, dict) and not v.get("ok") for v in checks.values()
    )
    return checks


def reevaluate_call(actor: Actor, call) -> int:
    """After a new version of the rules is published: recompute every application not yet
    decided. Decisions already taken stand (an admission against the rules keeps its amount)."""
    count = 0
    for application in Application.objects_unscoped.filter(
        call=call,
        status__in=[
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.CLARIFICATION,
            ApplicationStatus.INSTRUCTED,
        ],
    ).select_related("call"):
        before = {"eligible": application.eligible, "amount": application.amount}
        fields = apply_outcome(application, outcome_for(application))
        application.save(update_fields=[*fields, "updated_at"])
        audit.record(
            actor,
            "calls.application_reevaluated",
            application,
            organization=application.organization,
            person=application.applicant,
            before=before,
            after={"eligible": application.eligible, "amount": application.amount},
        )
        count += 1
    return count
