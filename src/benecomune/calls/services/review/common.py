"""What every review step shares: the row lock, the guards, audit and notification."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import Application, ApplicationMember, CallStatus
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.conflicts import concerns_own_household
from benecomune.core.models import AuditEvent
from benecomune.core.notifications import notify_person

CLARIFICATION_DAYS = 10
BULK_INLINE_LIMIT = 200
NOTE_MAX = 1000
TEXT_MAX = 4000
# Steps that make a user part of the instruction of an application (so not its decider).
INSTRUCTION_ACTIONS = (
    "calls.checklist_saved",
    "calls.clarification_requested",
    "calls.instruction_completed",
)
# Instruction happens while the call is open or closed, before its ranking; decisions also
# during the appeal window (an appeal sends a decided application back to the validator).
_REVIEW_CALL_STATUSES = (CallStatus.PUBLISHED, CallStatus.CLOSED)


def lock(application) -> Application:
    """The application (object or id) re-read under its row lock, with what the steps need."""
    return (
        Application.objects_unscoped.select_for_update(of=("self",))
        .select_related("call", "applicant", "organization")
        .get(pk=getattr(application, "pk", application))
    )


def require_status(application: Application, allowed, message: str) -> None:
    if application.status not in allowed:
        raise CallError(message % {"status": application.get_status_display()})


def require_call_in_review(application: Application, deciding: bool = False) -> None:
    call = application.call
    if call.status in _REVIEW_CALL_STATUSES:
        return
    if deciding and call.status == CallStatus.RANKED and not call.final_ranking_at:
        return
    raise CallError(
        _("La graduatoria del bando è già stata calcolata: la domanda non si può più cambiare.")
    )


def refuse_own_household(actor: Actor, application: Application) -> None:
    """Nobody reviews an application about themselves or their household (the household
    declared in the application, or the reviewer's own in the registry)."""

    def people():  # lazy: read only for an actor who is a person
        yield application.applicant.fiscal_code
        yield from ApplicationMember.objects.filter(application=application).values_list(
            "fiscal_code", flat=True
        )

    if concerns_own_household(actor, people()):
        raise CallError(
            _("La domanda riguarda lei o il suo nucleo familiare: non può istruirla né deciderla.")
        )


def require_instructor(actor: Actor, application: Application) -> None:
    actor.require("applications.instruct", application.organization_id)
    refuse_own_household(actor, application)


def took_part_in_instruction(user, application: Application) -> bool:
    """The user instructed this application, or did any step of its instruction."""
    if user is None:
        return False
    if application.instructed_by_id == user.pk:
        return True
    return AuditEvent.objects_unscoped.filter(
        object_type="calls.application",
        object_id=str(application.pk),
        actor=user,
        action__in=INSTRUCTION_ACTIONS,
    ).exists()


def citizen_link(application: Application) -> str:
    """The applicant's page of the application, when the applications area provides one."""
    try:
        return reverse("calls:my_application", kwargs={"pk": application.pk})
    except NoReverseMatch:
        return ""


def label(application: Application) -> str:
    return application.protocol or str(application.pk)


def notify(application: Application, subject: str, body: str) -> None:
    notify_person(application.applicant, subject=subject, body=body, link=citizen_link(application))


def record_review_event(actor, action, application, **kwargs):
    return audit.record(
        actor,
        action,
        application,
        organization=application.organization,
        person=application.applicant,
        **kwargs,
    )
