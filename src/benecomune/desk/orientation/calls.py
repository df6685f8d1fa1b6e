"""Open calls for a case: a call answers a need when its voucher may be spent on one of the
need's categories (or restricts no category and the need says such calls answer it); the
person's household then goes through the call's own rules engine, the same evaluation as the
public eligibility pre-check (calls.rules.evaluate), and each criterion met is said."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.models import Call, CallStatus
from benecomune.core.models import MerchantCategory
from benecomune.desk.models import SuggestionKind
from benecomune.desk.orientation.suggestions import Suggestion
from benecomune.ledger.money import format_euro

# Failures that only say something is not known yet: the call is proposed, with the unknown.
UNKNOWN_FAILURES = {"isee_missing"}


def open_calls(municipality_id: int | None):
    """Published calls taking applications now whose territory holds the Comune."""
    now = timezone.now()
    rows = Call.objects_unscoped.filter(
        status=CallStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now
    )
    if municipality_id is not None:
        rows = rows.filter(
            Q(organization_id=municipality_id) | Q(shares__municipality_id=municipality_id)
        )
    return rows.select_related("organization").prefetch_related("shares").distinct()


def need_reason(call: Call, need) -> str | None:
    """Why `call` answers `need`, or None when it does not (the need's data decides)."""
    allowed = set(call.allowed_categories or ())
    if allowed:
        common = [c for c in need.categories if c in allowed]
        if not common:
            return None
        labels = ", ".join(
            str(MerchantCategory(c).label).lower() for c in common if c in MerchantCategory.values
        )
        return _("Risponde al bisogno «%(need)s»: il contributo vale per %(what)s.") % {
            "need": need.name,
            "what": labels,
        }
    if need.general_calls:
        return _(
            "Risponde al bisogno «%(need)s»: il contributo non è limitato a una categoria di spesa."
        ) % {"need": need.name}
    return None


def _met_rules(parsed, facts, on, municipality_name) -> list[str]:
    elig = parsed.eligibility
    counts = facts.count(on)
    met = [_("Risiede a %(comune)s, tra i Comuni del bando.") % {"comune": municipality_name}]
    if elig.isee_max is not None and facts.isee_value is not None:
        met.append(
            _("ISEE %(value)s, entro la soglia di %(max)s.")
            % {"value": format_euro(facts.isee_value), "max": format_euro(elig.isee_max)}
        )
    if elig.min_members:
        met.append(
            _("Nucleo di %(n)s persone (almeno %(min)s).")
            % {"n": counts["members"], "min": elig.min_members}
        )
    if elig.requires_minor:
        met.append(_("Nel nucleo c'è un minore."))
    if elig.requires_over_75:
        met.append(_("Nel nucleo c'è una persona over 75."))
    if elig.requires_disabled:
        met.append(_("Nel nucleo c'è una persona con disabilità certificata."))
    return met


def call_suggestions(needs, profile, *, municipality_id) -> list[Suggestion]:
    found = []
    for call in open_calls(municipality_id):
        answers = [(need, reason) for need in needs if (reason := need_reason(call, need))]
        if not answers:
            continue
        suggestion = Suggestion(
            kind=SuggestionKind.CALL,
            object_id=call.pk,
            title=call.title,
            detail=_("%(org)s · domande fino al %(until)s")
            % {
                "org": call.organization.name,
                "until": timezone.localtime(call.closes_at).strftime("%d/%m/%Y"),
            },
            url=reverse(
                "calls:public_call", kwargs={"slug": call.organization.slug, "code": call.code}
            ),
        )
        for need, reason in answers:
            suggestion.answers(need)
            suggestion.reasons.append(reason)
        if profile.facts is None:
            suggestion.unknowns.append(
                _("Requisiti non verificati: la persona non è identificata.")
            )
            found.append(suggestion)
            continue
        parsed = engine.parse_rules(call.rules)
        territory = [s.municipality_id for s in call.shares.all()] or [call.organization_id]
        outcome = engine.evaluate(parsed, profile.facts, profile.on, territory)
        failures = {f.code for f in outcome.failures}
        if failures - UNKNOWN_FAILURES:
            continue  # a requirement is not met (or nothing would be due): not proposed
        suggestion.reasons += _met_rules(parsed, profile.facts, profile.on, profile.residence.name)
        if outcome.eligible:
            suggestion.reasons.append(
                _("Importo indicativo secondo le regole del bando: %(amount)s.")
                % {"amount": format_euro(outcome.amount)}
            )
        suggestion.unknowns += [
            str(f.message) for f in outcome.failures if f.code in UNKNOWN_FAILURES
        ]
        found.append(suggestion)
    return found
