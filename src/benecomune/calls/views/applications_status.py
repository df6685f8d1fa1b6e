"""How an application's state is shown: status badges, the next step in plain Italian, and the
history of the application from its audit events (staff see names; the citizen sees "you", the
desk or the Comune's office, and only the reasons meant for them)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.calls.models import Application, ApplicationStatus
from benecomune.core.models import AuditEvent, Role

STATUS_BADGES = {
    ApplicationStatus.DRAFT: "secondary",
    ApplicationStatus.SUBMITTED: "primary",
    ApplicationStatus.CLARIFICATION: "warning",
    ApplicationStatus.INSTRUCTED: "info",
    ApplicationStatus.ADMITTED: "success",
    ApplicationStatus.REJECTED: "danger",
    ApplicationStatus.WITHDRAWN: "dark",
}
NEXT_STEPS = {
    ApplicationStatus.DRAFT: gettext_lazy(
        "Completi i dati, alleghi i documenti e invii la domanda entro la scadenza."
    ),
    ApplicationStatus.SUBMITTED: gettext_lazy(
        "La domanda è arrivata al Comune: lo sportello la esamina. Non deve fare nulla."
    ),
    ApplicationStatus.CLARIFICATION: gettext_lazy(
        "Il Comune le chiede un'integrazione: risponda entro la data indicata."
    ),
    ApplicationStatus.INSTRUCTED: gettext_lazy(
        "L'esame è concluso: aspetti la decisione del Comune, che le sarà comunicata."
    ),
    ApplicationStatus.ADMITTED: gettext_lazy("La domanda è stata accolta."),
    ApplicationStatus.REJECTED: gettext_lazy(
        "La domanda non è stata accolta: legga la motivazione."
    ),
    ApplicationStatus.WITHDRAWN: gettext_lazy("La domanda è stata ritirata."),
}
# The same next step told to the desk operator, who reads it about someone else.
DESK_NEXT_STEPS = {
    ApplicationStatus.DRAFT: gettext_lazy(
        "Completi con il richiedente i dati e i documenti, poi invii la domanda entro la scadenza."
    ),
    ApplicationStatus.SUBMITTED: gettext_lazy(
        "La domanda è stata inviata: ora la esamina l'ufficio del Comune. Il richiedente non "
        "deve portare altro, salvo richieste di integrazione."
    ),
    ApplicationStatus.CLARIFICATION: gettext_lazy(
        "Il Comune ha chiesto un'integrazione: se il richiedente porta la risposta allo "
        "sportello, la registri qui entro la data indicata."
    ),
    ApplicationStatus.INSTRUCTED: gettext_lazy(
        "L'esame è concluso: la decisione del Comune sarà comunicata al richiedente."
    ),
    ApplicationStatus.ADMITTED: gettext_lazy("La domanda è stata accolta."),
    ApplicationStatus.REJECTED: gettext_lazy(
        "La domanda non è stata accolta: la motivazione è nello storico qui sotto."
    ),
    ApplicationStatus.WITHDRAWN: gettext_lazy("La domanda è stata ritirata."),
}


def next_step(status: str, *, desk: bool) -> str:
    """What happens next, for the citizen ("Non deve fare nulla") or the desk operator."""
    return (DESK_NEXT_STEPS if desk else NEXT_STEPS).get(status, "")


# Audit actions not shown in an application's history: autosaves, and (to the citizen) the
# desk's internal checklist.
HIDDEN_ACTIONS = {"calls.application_draft_saved"}
HIDDEN_FROM_CITIZEN = {"calls.checklist_saved", "calls.application_rechecked"}
# Actions whose reason the citizen sees (the others' reasons are internal notes).
REASON_SHOWN_TO_CITIZEN = {
    "calls.clarification_requested",
    "calls.clarification_expired",
    "calls.application_withdrawn",
    "calls.application_admitted",
    "calls.application_rejected",
}


def badge(status: str) -> str:
    return STATUS_BADGES.get(status, "secondary")


def _who(event, *, desk: bool) -> str:
    """Staff see names; the citizen sees "you", the desk or the Comune's office."""
    if event.actor_id is None:
        return _("Procedura automatica")
    if desk:
        return event.actor.full_name or event.actor.email
    if event.actor_role == "citizen":
        return _("Lei")
    if event.actor_role == Role.DESK_OPERATOR:
        return _("Sportello del Comune")
    return _("Ufficio del Comune")


def history(application: Application, *, desk: bool) -> list[dict]:
    events = (
        AuditEvent.objects_unscoped.filter(
            object_type="calls.application", object_id=str(application.pk)
        )
        .exclude(action__in=HIDDEN_ACTIONS | (set() if desk else HIDDEN_FROM_CITIZEN))
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    rows = []
    for event in events:
        rows.append(
            {
                "when": event.created_at,
                "action": event.action,
                "who": _who(event, desk=desk),
                "reason": event.reason if desk or event.action in REASON_SHOWN_TO_CITIZEN else "",
            }
        )
    return rows
