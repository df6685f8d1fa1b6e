"""What keeps a closed call from its ranking, shown on the ranking page with a way out: each
pending application with a link to it, and the button that closes the expired clarification
requests now (the daily sweep's own service, narrowed to this call)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benecomune.calls.models import (
    Application,
    ApplicationStatus,
    Call,
    ClarificationRequest,
    ClarificationStatus,
)
from benecomune.calls.services.ranking import PENDING
from benecomune.calls.services.review import expire_clarifications
from benecomune.core.views.decorators import staff_permission

SHOWN = 50


def ranking_blockers(call: Call) -> dict | None:
    """The applications still to instruct, decide or complete, oldest first, each with its
    open clarification request (due date, expired or not). None when nothing blocks."""
    pending = Application.objects.filter(call=call, status__in=PENDING)
    total = pending.count()
    if not total:
        return None
    today = timezone.localdate()
    rows = list(
        pending.select_related("applicant").order_by("status", "submitted_at", "pk")[:SHOWN]
    )
    requests = {
        r.application_id: r
        for r in ClarificationRequest.objects.filter(
            application__in=rows, status=ClarificationStatus.OPEN
        )
    }
    for application in rows:
        request = requests.get(application.pk)
        application.open_request = request
        application.request_expired = request is not None and request.due_date < today
    expired = ClarificationRequest.objects.filter(
        application__call=call, status=ClarificationStatus.OPEN, due_date__lt=today
    ).count()
    waiting = pending.filter(status=ApplicationStatus.CLARIFICATION).count()
    return {
        "rows": rows,
        "total": total,
        "more": total - len(rows),
        "expired": expired,
        "waiting": waiting - expired,
    }


@require_POST
@staff_permission("calls.manage")
def close_expired_clarifications(request, pk):
    call = get_object_or_404(Call.objects, pk=pk)
    try:
        closed = expire_clarifications(request.actor, call=call)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        if closed:
            messages.success(
                request,
                ngettext(
                    "Chiusa %(n)s richiesta di integrazione scaduta: la domanda torna "
                    "all'istruttoria con i dati già presentati.",
                    "Chiuse %(n)s richieste di integrazione scadute: le domande tornano "
                    "all'istruttoria con i dati già presentati.",
                    closed,
                )
                % {"n": closed},
            )
        else:
            messages.info(request, _("Nessuna richiesta di integrazione scaduta da chiudere."))
    return redirect("calls:ranking", pk=call.pk)
