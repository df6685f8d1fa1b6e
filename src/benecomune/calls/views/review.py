"""The review page of one application, its actions (checklist, recheck, clarification, close of
the instruction, decision) and the permission-checked download of its documents."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.calls import rules as engine
from benecomune.calls.files import document_file
from benecomune.calls.forms.review import (
    ChecklistForm,
    ClarificationForm,
    DecisionForm,
    InstructionForm,
)
from benecomune.calls.models import Application, ApplicationStatus, CallStatus
from benecomune.calls.services import review
from benecomune.calls.services.review.common import refuse_own_household
from benecomune.core.files import file_response
from benecomune.core.forms_helpers import add_errors
from benecomune.core.gender import gendered
from benecomune.core.models import AuditEvent, Relationship
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.money import format_decimal

_OPEN_CALL = (CallStatus.PUBLISHED, CallStatus.CLOSED)


def _application(pk) -> Application:
    # Scoped manager: another Comune's application is simply not found (404).
    return get_object_or_404(
        Application.objects.exclude(status=ApplicationStatus.DRAFT).select_related(
            "call", "applicant", "organization", "assisted_by", "instructed_by", "decided_by"
        ),
        pk=pk,
    )


def _optional_url(name, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def _own_household(request, application) -> bool:
    try:
        refuse_own_household(request.actor, application)
    except ValidationError:
        return True
    return False


def _permissions(request, application) -> dict:
    actor, org = request.actor, application.organization_id
    call = application.call
    own = _own_household(request, application)
    instructing = (
        actor.has_perm("applications.instruct", org)
        and application.status == ApplicationStatus.SUBMITTED
        and call.status in _OPEN_CALL
        and not own
    )
    may_decide = actor.has_perm("applications.decide", org)
    deciding_call = call.status in _OPEN_CALL or (
        call.status == CallStatus.RANKED and not call.final_ranking_at
    )
    took_part = may_decide and review.took_part_in_instruction(actor.user, application)
    return {
        "can_instruct": instructing,
        "can_recheck": (may_decide or actor.has_perm("applications.instruct", org))
        and application.status
        in (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.CLARIFICATION,
            ApplicationStatus.INSTRUCTED,
        ),
        "can_decide": may_decide
        and application.status == ApplicationStatus.INSTRUCTED
        and deciding_call
        and not took_part
        and not own,
        # Shown to a validator instead of the decision form, so the refusal is not a surprise.
        "decide_blocked": may_decide
        and application.status == ApplicationStatus.INSTRUCTED
        and (took_part or own),
    }


def _context(request, application, **forms) -> dict:
    documents = list(application.documents.order_by("uploaded_at"))
    items = review.checklist_items(application, documents=documents)
    recorded = application.checklist.get("items", {})
    for item in items:
        item["recorded"] = recorded.get(item["key"])
    parsed = engine.parse_rules(application.call.rules)
    labels = {d.code: d.label for d in parsed.documents}
    for document in documents:
        document.label = labels.get(document.code, _("Altro documento"))
    relationships = dict(Relationship.choices)
    declared = application.declarations or {}
    timeline = AuditEvent.objects_unscoped.filter(
        object_type="calls.application", object_id=str(application.pk)
    ).select_related("actor")
    context = {
        "application": application,
        "members": [
            (m, relationships.get(m.relationship, m.relationship))
            for m in application.members.order_by("pk")
        ],
        "documents": documents,
        "declarations": [(d.text, bool(declared.get(d.code))) for d in parsed.declarations],
        "items": items,
        "clarifications": application.clarifications.select_related("requested_by"),
        "timeline": timeline.order_by("created_at", "pk"),
        "score_text": format_decimal(application.score),
        "proposal": review.PROPOSALS.get(application.checklist.get("proposal"), ""),
        "proposal_note": application.checklist.get("proposal_note", ""),
        "receipt_url": _optional_url("calls:desk_application_receipt", pk=application.pk),
        "checklist_form": forms.get("checklist_form")
        or ChecklistForm(items=items, initial=ChecklistForm.initial_for(application)),
        "clarification_form": forms.get("clarification_form") or ClarificationForm(),
        "instruction_form": forms.get("instruction_form") or InstructionForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
    }
    context.update(_permissions(request, application))
    return context


@staff_permission("applications.view")
def review_detail(request, pk):
    application = _application(pk)
    return render(request, "calls/review/detail.html", _context(request, application))


def _rerender(request, application, status=400, **forms):
    context = _context(request, application, **forms)
    return render(request, "calls/review/detail.html", context, status=status)


def _submit(request, application, form, form_name: str, act):
    """A review action posted with `form`: on valid data `act(cleaned_data)` runs the service
    and returns the message to show, then back to the review page; on errors, the page again
    with the form (its errors above the fields)."""
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc, on_fields=False)
        else:
            messages.success(request, message)
            return redirect("calls:review_detail", pk=application.pk)
    return _rerender(request, application, **{form_name: form})


@require_POST
@staff_permission("applications.instruct")
def review_checklist(request, pk):
    application = _application(pk)
    items = review.checklist_items(application)
    form = ChecklistForm(request.POST, items=items)
    saved_at = None
    if form.is_valid():
        try:
            application = review.save_checklist(
                request.actor, application, form.checklist(), form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_errors(form, exc, on_fields=False)
        else:
            saved_at = timezone.localtime()
            if not request.htmx:
                messages.success(request, _("Lista di controllo salvata."))
                return redirect("calls:review_detail", pk=application.pk)
    if request.htmx:
        context = _context(request, application, checklist_form=form)
        context["saved_at"] = saved_at
        return render(request, "calls/review/_checklist.html", context)
    return _rerender(request, application, checklist_form=form)


@require_POST
@staff_permission("applications.view")
def review_recheck(request, pk):
    application = _application(pk)
    try:
        application = review.recheck(request.actor, application)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if application.checks_mismatch:
            messages.warning(request, _("Verifiche ripetute: ci sono difformità da controllare."))
        else:
            messages.success(request, _("Verifiche ripetute: nessuna difformità."))
    return redirect("calls:review_detail", pk=application.pk)


@require_POST
@staff_permission("applications.instruct")
def review_clarify(request, pk):
    application = _application(pk)

    def act(data):
        review.request_application_clarification(
            request.actor, application, data["message"], data["due_date"]
        )
        return _("Richiesta di integrazione inviata al richiedente (messaggio ed e-mail).")

    form = ClarificationForm(request.POST)
    return _submit(request, application, form, "clarification_form", act)


@require_POST
@staff_permission("applications.instruct")
def review_complete(request, pk):
    application = _application(pk)

    def act(data):
        review.complete_instruction(request.actor, application, data["proposal"], data["note"])
        return _("Istruttoria conclusa: la domanda passa al convalidatore.")

    form = InstructionForm(request.POST)
    return _submit(request, application, form, "instruction_form", act)


@require_POST
@staff_permission("applications.decide")
def review_decide(request, pk):
    application = _application(pk)

    def act(data):
        approve = data["decision"] == "approve"
        review.decide(request.actor, application, approve, data["reason"])
        applicant = application.applicant
        if approve:
            return gendered(
                applicant,
                _("Domanda ammessa; il richiedente è stato avvisato."),
                _("Domanda ammessa; la richiedente è stata avvisata."),
            )
        return gendered(
            applicant,
            _("Domanda respinta; il richiedente è stato avvisato."),
            _("Domanda respinta; la richiedente è stata avvisata."),
        )

    form = DecisionForm(request.POST)
    return _submit(request, application, form, "decision_form", act)


@staff_permission("applications.view")
def review_document(request, pk, document_pk):
    """A document of an application, for the staff of its Comune only (never a media URL)."""
    application = _application(pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    return file_response(document_file(document))
