"""Acting for a citizen: a staff role (the desk) doing what the citizen would do in their own
area, with their consent. Every app's services use these to tell the two apart and to write,
in the audit event, for whom the desk acted and how the consent was given."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.models import Person

CONSENT_MAX = 200


def is_assisting(actor: Actor) -> bool:
    """A staff role acting for a citizen (not the citizen, not a system job)."""
    return not actor.system and actor.membership is not None


def on_behalf_reason(actor: Actor, person: Person, consent: str = "") -> str:
    """The audit reason of an assisted action: for whom, and the consent when given now."""
    if not is_assisting(actor):
        return ""
    reason = _("Allo sportello, per conto di %(name)s (%(code)s)") % {
        "name": person.full_name,
        "code": person.fiscal_code,
    }
    if consent:
        reason += " — " + _("consenso: %(how)s") % {"how": consent}
    return reason


def require_consent(consent: str, field: str = "consent_note") -> str:
    """The desk says how the citizen consented (in person with an ID, a signed delegation)."""
    consent = " ".join((consent or "").split())[:CONSENT_MAX]
    if not consent:
        raise ValidationError(
            {
                field: _(
                    "Indichi come il cittadino ha dato il consenso a farsi assistere "
                    "(per esempio: di persona, con documento d'identità)."
                )
            }
        )
    return consent


# --- Delegations ------------------------------------------------------------------------------
# An operator acts for a citizen with a valid delegation in scope, or with the consent the
# citizen gives at the desk now. Delegations are kept by the app that records them (the desk's
# `Delegation`, for its Points) and registered here as sources, so that every app asks one
# question: `authorize(actor, person, scope, consent)`.

APPLY, BOOK_PAY, CLAIMS, VOUCHER_CARDS = "apply", "book_pay", "claims", "voucher_cards"

# source(actor, person, scope) -> (basis, problem): basis is the text for the audit reason when
# a delegation covers the action; problem an Italian message when one exists but does not
# (expired, revoked, out of scope); (None, None) when the source knows of none.
_SOURCES: list = []


def register_delegation_source(source) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


class OnBehalfRefused(ValidationError):
    """An assisted action refused: the delegation is expired, revoked or out of scope."""


def delegation_basis(actor: Actor, person: Person, scope: str) -> str:
    """The basis of a valid delegation covering the action (text for the audit reason), ""
    when the actor holds none; OnBehalfRefused when one exists but does not cover it
    (expired, revoked, not yet valid, out of scope)."""
    problems = []
    for source in _SOURCES:
        basis, problem = source(actor, person, scope)
        if basis:
            return basis
        if problem:
            problems.append(problem)
    if problems:
        refusal = OnBehalfRefused({"consent_note": problems[0]})
        refusal.person_id = person.pk
        raise refusal
    return ""


def authorize(
    actor: Actor, person: Person, scope: str, consent: str = "", field: str = "consent_note"
) -> str:
    """How the desk may act for `person` (the text for the audit reason): a delegation in
    scope, else the consent given now. Refuses (OnBehalfRefused) when the only delegation
    does not cover the action and no consent is given; `refusals_audited` records it."""
    if not is_assisting(actor):
        return ""
    try:
        basis = delegation_basis(actor, person, scope)
    except OnBehalfRefused as refusal:
        if (consent or "").strip():
            return require_consent(consent, field)
        if field != "consent_note":
            refusal = OnBehalfRefused({field: refusal.messages[0]})
            refusal.person_id = person.pk
        raise refusal from None
    return basis or require_consent(consent, field)


def record_refusal(actor: Actor, refusal: OnBehalfRefused, service: str) -> None:
    """Audit a refused assisted action (`core.on_behalf_refused`), after its rollback."""
    from django.db import transaction

    from benecomune.core import audit

    with transaction.atomic():
        audit.record(
            actor,
            "core.on_behalf_refused",
            organization=actor.organization,
            person=getattr(refusal, "person_id", None),
            after={"service": service},
            reason="; ".join(refusal.messages)[:500],
        )


def refusals_audited(service):
    """Wrap an assisting service (its own transaction): a refusal for want of a valid
    delegation is recorded after the rollback as `core.on_behalf_refused`, then raised."""
    import functools

    from django.db import transaction

    @functools.wraps(service)
    def wrapper(actor, *args, **kwargs):
        try:
            with transaction.atomic():
                return service(actor, *args, **kwargs)
        except OnBehalfRefused as exc:
            record_refusal(actor, exc, service.__name__)
            raise

    return wrapper


def actions_for(person: Person):
    """What staff did for `person` on their behalf ("Chi ha agito per me"): the audit events
    naming them as the person acted for (`on_behalf_of`, or the reason `on_behalf_reason`
    writes, which carries their codice fiscale)."""
    from django.db.models import Q

    from benecomune.core.models import AuditEvent

    return (
        AuditEvent.objects_unscoped.filter(person=person, actor__isnull=False)
        .exclude(actor__person=person)
        .filter(Q(after__on_behalf_of=person.fiscal_code) | Q(reason__contains=person.fiscal_code))
        .select_related("actor", "organization")
        .order_by("-created_at")
    )
