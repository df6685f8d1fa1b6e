"""Assisted applications at the desk (sportello): find the person in the Comune's registry,
record their consent, fill in and send the application on their behalf, print the receipt.

The staff scope is the operator's Comune: a person or an application of another Comune is a
404. The services check the permissions again and refuse to act without recorded consent.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from benecomune.calls.forms.applications import ConsentForm, ExistingConsentForm
from benecomune.calls.models import ACTIVE_STATUSES, Application, ApplicationStatus
from benecomune.calls.services import applications as services
from benecomune.calls.services.facts import household_people
from benecomune.calls.views import applications as pages
from benecomune.calls.views.applications_citizen import open_calls_for
from benecomune.core.forms_helpers import pairs_querystring
from benecomune.core.lists import paged
from benecomune.core.models import Person
from benecomune.core.views.decorators import staff_permission


def _application(pk) -> Application:
    return get_object_or_404(
        Application.objects.select_related(
            "call", "call__organization", "applicant", "organization", "assisted_by"
        ),
        pk=pk,
    )


def assisted(statuses, limit=20):
    """Applications the desk is helping with (consent recorded), newest first."""
    return list(
        Application.objects.filter(assisted_by__isnull=False, status__in=statuses)
        .select_related("call", "applicant", "assisted_by")
        .order_by("-updated_at")[:limit]
    )


@staff_permission("desk.assist")
def desk_home(request):
    query = request.GET.get("q", "").strip()
    page, querystring = None, ""
    if query:
        people = Person.objects.select_related("residence").order_by("last_name", "first_name")
        words = query.split()
        compact = query.replace(" ", "").upper()
        condition = Q(fiscal_code=compact)
        if len(words) > 1:
            condition |= Q(last_name__icontains=words[0], first_name__icontains=words[-1])
            condition |= Q(first_name__icontains=words[0], last_name__icontains=words[-1])
        condition |= Q(last_name__icontains=query) | Q(first_name__icontains=query)
        # Page links load the whole page: without the search box's `partial=1`.
        listing = paged(
            request,
            people.filter(condition),
            per_page=20,
            querystring=pairs_querystring(("q", query)),
        )
        page, querystring = listing.page, listing.querystring
    context = {"query": query, "page": page, "querystring": querystring}
    if request.htmx and request.GET.get("partial"):
        return render(request, "calls/applications/desk/_people.html", context)
    context["in_progress"] = assisted([ApplicationStatus.DRAFT, ApplicationStatus.CLARIFICATION])
    context["recent"] = assisted(
        [ApplicationStatus.SUBMITTED, ApplicationStatus.INSTRUCTED], limit=10
    )
    return render(request, "calls/applications/desk/home.html", context)


@staff_permission("desk.assist")
def desk_person(request, pk):
    person = get_object_or_404(Person.objects.select_related("residence"), pk=pk)
    people = household_people(person)
    codes = [p.fiscal_code for p in people]
    applications = list(
        Application.objects.filter(members__fiscal_code__in=codes)
        .select_related("call", "applicant")
        .distinct()
        .order_by("-created_at")
    )
    for application in applications:
        application.badge = pages.badge(application.status)
    calls = open_calls_for(person)
    form = ConsentForm(request.POST or None, calls=calls)
    if request.method == "POST" and form.is_valid():
        call = next(c for c in calls if c.pk == form.cleaned_data["call"])
        try:
            application = services.start_application(
                request.actor, call, person, assisted_consent=form.cleaned_data["consent_note"]
            )
        except ValidationError as exc:
            pages.add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Domanda assistita avviata per %(name)s: consenso registrato.")
                % {"name": person.full_name},
            )
            return redirect("calls:desk_application_edit", pk=application.pk)
    return render(
        request,
        "calls/applications/desk/person.html",
        {
            "person": person,
            "people": people,
            "applications": applications,
            "calls": calls,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@staff_permission("desk.assist")
def application_detail(request, pk):
    application = _application(pk)
    return pages.detail(
        request, pages.DESK, application, consent_form=_consent_form_for(application)
    )


def _consent_form_for(application, data=None):
    """Offered while the citizen's consent is missing on an application the desk can still
    act on, whether or not the call is open (a clarification answered after it closed)."""
    if application.consent_at is not None or application.status not in ACTIVE_STATUSES:
        return None
    return ExistingConsentForm(data)


@staff_permission("desk.assist")
def application_consent(request, pk):
    application = _application(pk)
    form = _consent_form_for(application, request.POST or None)
    if request.method != "POST" or form is None:
        return redirect("calls:desk_application", pk=pk)
    if form.is_valid():
        try:
            services.record_desk_consent(
                request.actor, application, form.cleaned_data["consent_note"]
            )
        except ValidationError as exc:
            pages.add_errors(form, exc)
        else:
            messages.success(
                request,
                _("Consenso registrato: ora può operare per conto di %(name)s.")
                % {"name": application.applicant.full_name},
            )
            return redirect("calls:desk_application", pk=pk)
    return pages.detail(request, pages.DESK, application, consent_form=form, status=400)


def _on_application(page):
    """A view that runs `page` of calls/views/applications.py on the application `pk`."""

    @staff_permission("desk.assist")
    def view(request, pk):
        return page(request, pages.DESK, _application(pk), request.actor)

    view.__name__ = view.__qualname__ = page.__name__
    return view


application_edit = _on_application(pages.edit)
application_autosave = _on_application(pages.autosave)
application_household = _on_application(pages.refresh)
document_add = _on_application(pages.document_add)
application_submit = _on_application(pages.submit)
application_withdraw = _on_application(pages.withdraw)
application_answer = _on_application(pages.answer)


@staff_permission("desk.assist")
def document_remove(request, pk, doc):
    return pages.document_remove(request, pages.DESK, _application(pk), request.actor, doc)


@staff_permission("applications.view")
def document_download(request, pk, doc):
    return pages.document_download(_application(pk), doc)


@staff_permission("applications.view")
def application_receipt(request, pk):
    application = _application(pk)
    if application.status == ApplicationStatus.DRAFT:
        return redirect("calls:desk_application", pk=pk)
    return pages.receipt(application)
