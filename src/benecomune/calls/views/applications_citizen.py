"""The citizen's application pages (area personale): my applications, start from an open call,
fill in and send, answer a clarification, receipt.

The citizen always acts in the citizen role here, even when the same user also holds a staff
role (an operator applying for themselves is a citizen like any other). Applications are read
through the scoped manager and filtered by applicant: another person's application is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.models import (
    ACTIVE_STATUSES,
    Application,
    Call,
    CallStatus,
)
from benecomune.calls.services import applications as services
from benecomune.calls.services.facts import household_people
from benecomune.calls.services.submission import needs_isee
from benecomune.calls.views import applications as pages
from benecomune.core.actors import Actor
from benecomune.core.middleware import client_ip
from benecomune.core.views.decorators import citizen_required


def citizen_actor(request) -> Actor:
    return Actor(user=request.user, ip_address=client_ip(request))


def _mine(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.select_related(
            "call", "call__organization", "applicant", "organization"
        ),
        pk=pk,
        applicant_id=request.user.person_id,
    )


def open_calls_for(person) -> list[Call]:
    """Calls open now to residents of the person's Comune (its own and joint network calls)."""
    now = timezone.now()
    ids = Call.objects_unscoped.filter(
        Q(organization_id=person.residence_id) | Q(shares__municipality_id=person.residence_id),
        status=CallStatus.PUBLISHED,
        opens_at__lte=now,
        closes_at__gt=now,
    ).values("pk")
    return list(
        Call.objects_unscoped.filter(pk__in=ids)
        .select_related("organization")
        .order_by("closes_at")
    )


@citizen_required
def my_applications(request):
    person = request.user.person
    applications = list(
        Application.objects.filter(applicant_id=person.pk)
        .select_related("call", "call__organization")
        .order_by("-created_at")
    )
    for application in applications:
        application.badge = pages.badge(application.status)
        application.next_step = pages.next_step(application.status, desk=False)
    applied = {a.call_id for a in applications if a.status in ACTIVE_STATUSES}
    calls = [c for c in open_calls_for(person) if c.pk not in applied]
    return render(
        request,
        "calls/applications/my_list.html",
        {"applications": applications, "open_calls": calls},
    )


@citizen_required
def apply_start(request, pk):
    person = request.user.person
    call = get_object_or_404(
        Call.objects_unscoped.select_related("organization"),
        pk=pk,
        status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED],
    )
    existing = (
        Application.objects.filter(call=call, applicant_id=person.pk, status__in=ACTIVE_STATUSES)
        .order_by("-pk")
        .first()
    )
    if existing is not None:
        return redirect("calls:my_application", pk=existing.pk)
    error = None
    if request.method == "POST":
        try:
            application = services.start_application(citizen_actor(request), call, person)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Domanda avviata: i dati si salvano mentre li scrive."))
            return redirect("calls:my_application_edit", pk=application.pk)
    parsed = engine.parse_rules(call.rules)
    people = household_people(person)
    return render(
        request,
        "calls/applications/start.html",
        {
            "call": call,
            "person": person,
            "people": people,
            "accepts": call.accepts_applications(),
            "needs_isee": needs_isee(parsed),
            "declarations": parsed.declarations,
            "documents": parsed.documents,
            "error": error,
        },
        status=400 if error else 200,
    )


@citizen_required
def application_detail(request, pk):
    return pages.detail(request, pages.CITIZEN, _mine(request, pk))


def _on_application(page):
    """A view that runs `page` of calls/views/applications.py on the application `pk`."""

    @citizen_required
    def view(request, pk):
        return page(request, pages.CITIZEN, _mine(request, pk), citizen_actor(request))

    view.__name__ = view.__qualname__ = page.__name__
    return view


application_edit = _on_application(pages.edit)
application_autosave = _on_application(pages.autosave)
application_household = _on_application(pages.refresh)
document_add = _on_application(pages.document_add)
application_submit = _on_application(pages.submit)
application_withdraw = _on_application(pages.withdraw)
application_answer = _on_application(pages.answer)


@citizen_required
def document_remove(request, pk, doc):
    return pages.document_remove(
        request, pages.CITIZEN, _mine(request, pk), citizen_actor(request), doc
    )


@citizen_required
def document_download(request, pk, doc):
    return pages.document_download(_mine(request, pk), doc)


@citizen_required
def application_receipt(request, pk):
    return pages.receipt(_mine(request, pk))
