"""A Welfare Point's operator applying to a call for the person of one of their cases, with the
person's delegation to apply (core.on_behalf): the case's applications and the calls open to
the person; then the calls' own application pages (calls/views/applications.py) under the
Point's URLs. An application is reachable only when its applicant is the person of one of the
operator's own cases (else 404, audited); the calls services check the delegation again at
every step, so a revoked or expired one stops the operator at once."""

import dataclasses

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.calls.models import Application, ApplicationStatus
from benecomune.calls.services import applications as services
from benecomune.calls.views import applications as pages
from benecomune.calls.views.applications_citizen import open_calls_for
from benecomune.core import on_behalf
from benecomune.desk import access, person_reads
from benecomune.desk.views.common import (
    delegation_or_message,
    operator_page,
    person_case_or_404,
)

POINT = pages.Pages("point_application", desk=True, namespace="desk")


def _basis(request, person) -> str | None:
    return delegation_or_message(
        request,
        person,
        on_behalf.APPLY,
        _(
            "Per presentare domande per la persona serve una sua delega valida a questo "
            "Punto: la registri dalla scheda del caso (delega su carta con documento)."
        ),
    )


@operator_page
def case_applications(request, points, pk):
    case = person_case_or_404(request, pk)
    basis = _basis(request, case.person)
    if basis is None:
        return redirect("desk:case", pk=case.pk)
    applications = list(person_reads.applications_of(case.person))
    for application in applications:
        application.badge = pages.badge(application.status)
    return render(
        request,
        "desk/cases/applications.html",
        {
            "case": case,
            "basis": basis,
            "applications": applications,
            "calls": open_calls_for(case.person),
        },
    )


@operator_page
@require_POST
def case_apply(request, points, pk):
    case = person_case_or_404(request, pk)
    if _basis(request, case.person) is None:
        return redirect("desk:case", pk=case.pk)
    call = next(
        (c for c in open_calls_for(case.person) if str(c.pk) == request.POST.get("call")), None
    )
    if call is None:
        messages.error(request, _("Il bando non accetta domande in questo momento."))
        return redirect("desk:case_applications", pk=case.pk)
    try:
        application = services.start_application(request.actor, call, case.person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("desk:case_applications", pk=case.pk)
    messages.success(
        request,
        _("Domanda avviata per %(name)s, con la sua delega.") % {"name": case.person.full_name},
    )
    return redirect("desk:point_application_edit", pk=application.pk)


def _point_pages(request, application):
    """The calls' pages with this operator's way back: the worklist and the person's case."""
    case = (
        access.own_cases(request.actor)
        .filter(person_id=application.applicant_id)
        .order_by("-opened_at")
        .first()
    )
    crumbs = [(reverse("desk:worklist"), _("Lista di lavoro"))]
    if case is not None:
        crumbs.append((reverse("desk:case_applications", args=[case.pk]), case.protocol))
    return dataclasses.replace(POINT, crumbs=lambda _application: crumbs)


def _application(request, pk) -> Application:
    """The application if its applicant is the person of one of the operator's cases."""
    application = person_reads.case_person_application(request.actor, pk)
    if application is None:
        access.record_refusal(
            request.actor,
            "desk.case_access_refused",
            reason="domanda di una persona che non è tra i casi del Punto",
            after={"application": str(pk)},
        )
        raise Http404
    return application


@operator_page
def application_detail(request, points, pk):
    application = _application(request, pk)
    return pages.detail(request, _point_pages(request, application), application)


def _on_application(page):
    """A Point's view that runs `page` of calls/views/applications.py on application `pk`."""

    @operator_page
    def view(request, points, pk):
        application = _application(request, pk)
        return page(request, _point_pages(request, application), application, request.actor)

    view.__name__ = view.__qualname__ = page.__name__
    return view


application_edit = _on_application(pages.edit)
application_autosave = _on_application(pages.autosave)
application_household = _on_application(pages.refresh)
document_add = _on_application(pages.document_add)
application_submit = _on_application(pages.submit)
application_withdraw = _on_application(pages.withdraw)
application_answer = _on_application(pages.answer)


@operator_page
def document_remove(request, points, pk, doc):
    application = _application(request, pk)
    return pages.document_remove(
        request, _point_pages(request, application), application, request.actor, doc
    )


@operator_page
def document_download(request, points, pk, doc):
    # A document is personal data: only while the delegation still covers the application.
    application = _application(request, pk)
    if _basis(request, application.applicant) is None:
        raise Http404
    return pages.document_download(application, doc)


@operator_page
def application_receipt(request, points, pk):
    application = _application(request, pk)
    if application.status == ApplicationStatus.DRAFT:
        return redirect("desk:point_application", pk=pk)
    if _basis(request, application.applicant) is None:
        raise Http404
    return pages.receipt(application)
