"""Soccorso istruttorio: the desk asks the applicant to complete the application by a date;
requests left unanswered expire and the application goes back to the desk as it is."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from benecomune.calls.exceptions import CallError
from benecomune.calls.lifecycles import APPLICATION
from benecomune.calls.models import (
    Application,
    ApplicationStatus,
    Call,
    ClarificationRequest,
    ClarificationStatus,
)
from benecomune.calls.services.review.common import (
    CLARIFICATION_DAYS,
    TEXT_MAX,
    label,
    lock,
    notify,
    require_call_in_review,
    require_instructor,
    require_status,
)
from benecomune.core import audit, clarifications
from benecomune.core.actors import Actor


def _subject(application: Application, target: str | None = None, fields=()):
    """The application a request is about, moved to `target` (if any) by the event."""
    return clarifications.Subject(
        application,
        APPLICATION,
        target,
        extra_fields=[*fields, "updated_at"],
        organization=application.organization,
        person=application.applicant,
    )


def _expiry_note(request: ClarificationRequest) -> str:
    due = date_format(request.due_date, "d/m/Y")
    return _("Integrazione non pervenuta entro il %(due)s.") % {"due": due}


@transaction.atomic
def request_application_clarification(
    actor: Actor, application: Application, message: str, due_date: datetime.date | None = None
) -> ClarificationRequest:
    """Ask the applicant to complete the application by a date (default in 10 days)."""
    application = lock(application)
    require_instructor(actor, application)
    require_call_in_review(application)
    require_status(
        application,
        [ApplicationStatus.SUBMITTED],
        _("Si chiede un'integrazione solo per una domanda presentata; questa è «%(status)s»."),
    )
    message = (message or "").strip()
    if not message:
        raise CallError(_("Scriva che cosa deve integrare il richiedente."))
    if len(message) > TEXT_MAX:
        raise CallError(_("La richiesta supera %(max)s caratteri.") % {"max": TEXT_MAX})
    today = timezone.localdate()
    due_date = due_date or today + datetime.timedelta(days=CLARIFICATION_DAYS)
    if due_date <= today:
        raise CallError(_("La scadenza per l'integrazione deve essere una data futura."))
    request = clarifications.open_clarification(
        actor,
        ClarificationRequest,
        subject_fields={"application": application},
        message=message,
        due_date=due_date,
        action="calls.clarification_requested",
        subject=_subject(application, ApplicationStatus.CLARIFICATION),
    )
    due = date_format(due_date, "j F Y")
    notify(
        application,
        _("Domanda %(protocol)s: le chiediamo un'integrazione") % {"protocol": label(application)},
        _(
            "Per completare l'esame della sua domanda al bando «%(call)s» il Comune le chiede:"
            "\n\n%(message)s\n\nRisponda entro il %(due)s dalla sua area personale o allo "
            "sportello. Senza risposta la domanda sarà valutata con i dati già presentati."
        )
        % {"call": application.call.title, "message": message, "due": due},
    )
    return request


@transaction.atomic
def expire_clarifications(
    actor: Actor, today: datetime.date | None = None, *, call: Call | None = None
) -> int:
    """Requests still open after their due date expire; the application goes back to the desk
    as it is ("integrazione non pervenuta") so that the instruction can go on.

    With `call`, only that call's requests, on the call manager's request from the ranking page
    (so that a forgotten daily sweep never leaves a ranking blocked); the call's manager may
    close them even without the desk's `applications.instruct`."""
    today = today or timezone.localdate()
    expired = 0
    overdue = ClarificationRequest.objects.filter(
        status=ClarificationStatus.OPEN, due_date__lt=today
    )
    if call is not None:
        actor.require("calls.manage", call.organization_id)
        overdue = overdue.filter(application__call=call)
    overdue = overdue.order_by("application_id", "pk").values_list("pk", "application_id")
    for request_id, application_id in list(overdue):
        # Application first, then its request: the order the applicant's answer locks them in.
        application = lock(application_id)

        def subject_of(request, application=application):
            if call is None:
                actor.require("applications.instruct", application.organization_id)
            application.review_note = "\n".join(
                filter(None, [application.review_note, _expiry_note(request)])
            )
            if application.status == ApplicationStatus.CLARIFICATION:
                return _subject(application, ApplicationStatus.SUBMITTED, ["review_note"])
            # No move: the request alone expires, noted on the application.
            application.save(update_fields=["review_note", "updated_at"])
            return _subject(application)

        done = clarifications.expire_clarifications(
            actor,
            ClarificationRequest.objects.filter(pk=request_id),
            action="calls.clarification_expired",
            subject_of=subject_of,
            reason_of=_expiry_note,
        )
        if not done:
            continue  # answered meanwhile
        notify(
            application,
            _("Domanda %(protocol)s: integrazione non pervenuta")
            % {"protocol": label(application)},
            _(
                "Il termine del %(due)s per integrare la domanda al bando «%(call)s» è scaduto "
                "senza risposta. La domanda sarà valutata con i dati già presentati."
            )
            % {"due": date_format(done[0].due_date, "d/m/Y"), "call": application.call.title},
        )
        expired += 1
    if call is not None and expired:
        audit.record(
            actor,
            "calls.clarifications_closed",
            call,
            organization=call.organization,
            after={"expired": expired, "today": today.isoformat()},
        )
    return expired
