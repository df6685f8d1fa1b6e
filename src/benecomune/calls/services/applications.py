"""Applications by the citizen online or at the desk on the citizen's behalf: start a draft for
the household, refresh it from the registry, withdraw.

The draft and its documents are in `drafts`, submission and the answer to a clarification
request in `submission`; this module re-exports them so callers have one place to import from.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls.exceptions import CallError
from benecomune.calls.lifecycles import APPLICATION
from benecomune.calls.models import (
    ACTIVE_STATUSES,
    Application,
    ApplicationMember,
    ApplicationStatus,
    Call,
)
from benecomune.calls.services.application_access import (
    _check_assistant,
    application_link,
    authorize,
    is_assisting,
    lock_call_for_applications,
    locked_application,
    on_behalf_reason,
)
from benecomune.calls.services.facts import call_municipality_ids, household_people
from benecomune.calls.services.paper import takes_applications
from benecomune.core import audit, on_behalf
from benecomune.core.actors import Actor
from benecomune.core.clarifications import close_open_clarifications
from benecomune.core.models import HouseholdMember, Person, Relationship
from benecomune.core.notifications import notify_person


def _duplicate_message(member: ApplicationMember) -> str:
    return _(
        "%(name)s (codice fiscale %(code)s) fa già parte di un'altra domanda per questo bando. "
        "Ogni persona può essere in una sola domanda per bando: se quella domanda è sbagliata, "
        "va ritirata prima di presentarne una nuova."
    ) % {"name": member.full_name, "code": member.fiscal_code}


def _first_duplicate(call: Call, codes) -> ApplicationMember | None:
    return (
        ApplicationMember.objects.filter(call=call, fiscal_code__in=list(codes), active=True)
        .order_by("pk")
        .first()
    )


def _own_open_application(call: Call, applicant: Person) -> Application | None:
    return (
        Application.objects_unscoped.filter(
            call=call, applicant=applicant, status__in=ACTIVE_STATUSES
        )
        .order_by("-pk")
        .first()
    )


def _record_consent(actor: Actor, application: Application, note: str) -> None:
    application.assisted_by = actor.user
    application.consent_at = timezone.now()
    application.consent_note = note
    application.save(update_fields=["assisted_by", "consent_at", "consent_note", "updated_at"])
    audit.record(
        actor,
        "calls.application_consent",
        application,
        organization=application.organization,
        person=application.applicant,
        after={"consent_note": note},
        reason=on_behalf_reason(actor, application),
    )


@transaction.atomic
def record_desk_consent(actor: Actor, application: Application, note: str) -> Application:
    """The citizen's consent to be assisted on an application they already have, recorded at
    the counter whatever the call's state: a clarification answer brought to the desk after
    the call has closed must be recordable (a new application still needs an open call)."""
    application = locked_application(application)
    _check_assistant(actor, application.applicant, application.organization_id)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {
                "consent_note": _(
                    "Indichi come il cittadino ha dato il consenso a farsi assistere "
                    "(per esempio: di persona, con documento d'identità)."
                )
            }
        )
    if application.status not in ACTIVE_STATUSES:
        raise CallError(
            _(
                "La domanda è «%(status)s»: allo sportello non c'è più nulla da fare "
                "per conto del cittadino."
            )
            % {"status": application.get_status_display()}
        )
    if application.consent_at is None:
        _record_consent(actor, application, note[:200])
    return application


def _members_for(application: Application, people: list[Person]) -> list[ApplicationMember]:
    relationships = dict(
        HouseholdMember.objects.filter(person__in=people).values_list("person_id", "relationship")
    )
    return [
        ApplicationMember(
            application=application,
            call=application.call,
            person=person,
            fiscal_code=person.fiscal_code,
            full_name=person.full_name,
            birth_date=person.birth_date,
            relationship=relationships.get(person.pk, Relationship.HEAD),
            disability=person.disability,
        )
        for person in people
    ]


@on_behalf.refusals_audited
@transaction.atomic
def start_application(
    actor: Actor,
    call: Call,
    applicant: Person,
    *,
    assisted_consent: str | None = None,
    paper_received_on=None,
) -> Application:
    """A draft for the applicant's household, members copied from the registry. Returns the
    applicant's own draft (or application awaiting a clarification) if there is one already."""
    applicant = Person.objects_unscoped.select_related("residence").get(pk=applicant.pk)
    assisting = is_assisting(actor)
    note = (assisted_consent or "").strip()
    if assisting:
        _check_assistant(actor, applicant, applicant.residence_id)
        # A delegation in scope, or the consent given now (core.on_behalf).
        note = on_behalf.authorize(actor, applicant, on_behalf.APPLY, note)
    elif not actor.system and (actor.user is None or actor.user.person_id != applicant.pk):
        raise PermissionDenied(_("Non ha i permessi per questa operazione."))

    lock_call_for_applications(call.pk)
    call = Call.objects_unscoped.get(pk=call.pk)
    existing = _own_open_application(call, applicant)
    if existing is not None:
        if existing.is_editable_by_citizen:
            if assisting and existing.consent_at is None:
                _record_consent(actor, existing, note)
            return existing
        raise CallError(
            _("Ha già presentato una domanda per questo bando (protocollo %(protocol)s).")
            % {"protocol": existing.protocol or "—"}
        )
    # A paper form received by the closing day may be typed in later (services/paper.py).
    if not takes_applications(call, received_on=paper_received_on):
        raise CallError(_("Il bando non accetta domande in questo momento."))
    if applicant.residence_id not in call_municipality_ids(call):
        raise CallError(
            _(
                "Il bando è riservato ai residenti dei Comuni aderenti: "
                "%(name)s non risulta tra loro."
            )
            % {"name": applicant.full_name}
        )
    people = household_people(applicant)
    duplicate = _first_duplicate(call, [p.fiscal_code for p in people])
    if duplicate is not None:
        raise CallError(_duplicate_message(duplicate))

    household = HouseholdMember.objects.filter(person=applicant).values_list(
        "household_id", flat=True
    )
    application = Application(
        organization_id=applicant.residence_id,
        call=call,
        applicant=applicant,
        household_id=household.first(),
        contact_email=applicant.email,
        contact_phone=applicant.phone,
    )
    if assisting:
        application.assisted_by = actor.user
        application.consent_at = timezone.now()
        application.consent_note = note[:200]
    try:
        # The partial unique index is the arbiter when two starts race: roll back to here.
        with transaction.atomic():
            application.save()
            ApplicationMember.objects.bulk_create(_members_for(application, people))
    except IntegrityError:
        existing = _own_open_application(call, applicant)
        if existing is not None and existing.is_editable_by_citizen:
            return existing
        duplicate = _first_duplicate(call, [p.fiscal_code for p in people])
        if duplicate is not None:
            raise CallError(_duplicate_message(duplicate)) from None
        raise CallError(
            _("Un componente del nucleo fa già parte di un'altra domanda per questo bando.")
        ) from None
    audit.record(
        actor,
        "calls.application_started",
        application,
        organization=application.organization,
        person=applicant,
        after={
            "call": call.pk,
            "members": [p.fiscal_code for p in people],
            "assisted": assisting,
            "on_behalf_of": applicant.fiscal_code if assisting else None,
            "consent_note": application.consent_note or None,
        },
        reason=on_behalf_reason(actor, application),
    )
    if assisting:
        notify_person(
            applicant,
            subject=_("Domanda avviata allo sportello: %(call)s") % {"call": call.title},
            body=_(
                "Lo sportello di %(where)s ha avviato per suo conto, con il suo consenso, una "
                "domanda per il bando «%(call)s». Può seguirla nella sua area personale."
            )
            % {"call": call.title, "where": actor.organization.name},
            link=application_link(application),
        )
    return application


@transaction.atomic
def refresh_household(actor: Actor, application: Application) -> Application:
    """Copy the household from the registry again (after the Comune corrected it)."""
    application = locked_application(application)
    authorize(actor, application)
    if application.status != ApplicationStatus.DRAFT:
        raise CallError(_("Il nucleo si aggiorna solo in una domanda non ancora inviata."))
    people = household_people(application.applicant)
    current = list(application.members.filter(active=True))
    if sorted(m.fiscal_code for m in current) == sorted(p.fiscal_code for p in people):
        return application
    ApplicationMember.objects.filter(application=application).delete()
    duplicate = _first_duplicate(application.call, [p.fiscal_code for p in people])
    if duplicate is not None:
        raise CallError(_duplicate_message(duplicate))
    try:
        with transaction.atomic():
            ApplicationMember.objects.bulk_create(_members_for(application, people))
    except IntegrityError:
        raise CallError(
            _("Un componente del nucleo fa già parte di un'altra domanda per questo bando.")
        ) from None
    audit.record(
        actor,
        "calls.application_household_refreshed",
        application,
        organization=application.organization,
        person=application.applicant,
        before={"members": [m.fiscal_code for m in current]},
        after={"members": [p.fiscal_code for p in people]},
        reason=on_behalf_reason(actor, application),
    )
    return application


# --- withdrawal ------------------------------------------------------------------------------

WITHDRAWABLE = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.CLARIFICATION,
    ApplicationStatus.INSTRUCTED,
)


@transaction.atomic
def withdraw_application(actor: Actor, application: Application, reason: str = "") -> Application:
    """Withdraw before the decision; the household's place in the call is freed."""
    application = locked_application(application)
    authorize(actor, application)
    if application.status not in WITHDRAWABLE:
        raise CallError(_("La domanda non si può più ritirare: è già stata decisa o ritirata."))
    reason = (reason or "").strip()
    if application.status != ApplicationStatus.DRAFT and not reason:
        raise ValidationError({"reason": [_("Indichi il motivo del ritiro.")]})
    before = application.status
    behalf = on_behalf_reason(actor, application)
    APPLICATION.apply(
        actor,
        application,
        ApplicationStatus.WITHDRAWN,
        extra_fields=["updated_at"],
        organization=application.organization,
        person=application.applicant,
        reason="; ".join(r for r in (reason, behalf) if r),
    )
    application.members.update(active=False)
    close_open_clarifications(application.clarifications.all())
    if before != ApplicationStatus.DRAFT:
        notify_person(
            application.applicant,
            subject=_("Domanda ritirata: %(call)s") % {"call": application.call.title},
            body=_("La domanda %(protocol)s è stata ritirata. Motivo: %(reason)s")
            % {"protocol": application.protocol, "reason": reason},
            link=application_link(application),
        )
    return application


# One place to import the application use cases from (they live in smaller modules).
from benecomune.calls.services.drafts import (  # noqa: E402
    DRAFT_FIELDS,
    add_document,
    document_choices,
    draft_warnings,
    open_clarification,
    remove_document,
    save_draft,
)
from benecomune.calls.services.submission import (  # noqa: E402
    answer_clarification,
    submission_problems,
    submit_application,
)

__all__ = [
    "DRAFT_FIELDS",
    "add_document",
    "answer_clarification",
    "authorize",
    "document_choices",
    "draft_warnings",
    "is_assisting",
    "open_clarification",
    "record_desk_consent",
    "refresh_household",
    "remove_document",
    "save_draft",
    "start_application",
    "submission_problems",
    "submit_application",
    "withdraw_application",
]
