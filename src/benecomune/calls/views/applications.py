"""What the citizen's and the desk's application pages share: the draft form with its autosave,
documents, submission, withdrawal, the clarification answer, the receipt and the history.

Each page is written once and served twice, under `area-personale/domande/...` for the citizen
(`my_application*` URL names) and `gestione/sportello/domande/...` for the desk operator
(`desk_application*`): a `Pages` value says which.
"""

import dataclasses
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls import rules as engine
from benecomune.calls.files import document_file
from benecomune.calls.forms.applications import (
    ClarificationAnswerForm,
    DocumentForm,
    DraftForm,
    WithdrawForm,
    relationship_label,
)
from benecomune.calls.models import (
    Application,
    ApplicationStatus,
    Award,
    ClarificationStatus,
)
from benecomune.calls.receipts import receipt_pdf
from benecomune.calls.services import applications as services
from benecomune.calls.services.evaluation import evaluate_application
from benecomune.calls.services.isee_prefill import inps_isee_for
from benecomune.calls.services.submission import needs_isee
from benecomune.calls.uploads import ACCEPTED_TYPES, max_upload_bytes
from benecomune.calls.views.applications_status import badge, history, next_step
from benecomune.core.files import ServedFile, file_response
from benecomune.core.forms_helpers import add_errors

SUFFIXES = (
    "",
    "_edit",
    "_autosave",
    "_household",
    "_document_add",
    "_submit",
    "_withdraw",
    "_answer",
    "_receipt",
)


@dataclasses.dataclass(frozen=True)
class Pages:
    """One set of application pages: the citizen's, the Comune desk's, a Welfare Point's."""

    prefix: str  # "my_application", "desk_application", "point_application"
    desk: bool  # someone fills it in for the applicant
    registry: bool = False  # the Comune's own tools: INPS lookup, registry checks
    namespace: str = "calls"
    crumbs: Callable[[Application], list[tuple[str, str]]] | None = None

    def urls(self, application: Application) -> dict[str, str]:
        return {
            (suffix.lstrip("_") or "detail"): reverse(
                f"{self.namespace}:{self.prefix}{suffix}", kwargs={"pk": application.pk}
            )
            for suffix in SUFFIXES
        }

    def document_urls(self, application, document) -> dict[str, str]:
        kwargs = {"pk": application.pk, "doc": document.pk}
        return {
            "download": reverse(f"{self.namespace}:{self.prefix}_document", kwargs=kwargs),
            "remove": reverse(f"{self.namespace}:{self.prefix}_document_remove", kwargs=kwargs),
        }


CITIZEN = Pages("my_application", desk=False)
DESK = Pages("desk_application", desk=True, registry=True)


def _document_rows(pages: Pages, application: Application, parsed) -> tuple[list, list]:
    labels = {d.code: d.label for d in parsed.documents}
    documents = list(application.documents.all())
    request = services.open_clarification(application)
    rows = []
    for doc in documents:
        removable = application.status == ApplicationStatus.DRAFT or (
            application.status == ApplicationStatus.CLARIFICATION
            and request is not None
            and doc.uploaded_at >= request.requested_at
        )
        rows.append(
            {
                "doc": doc,
                "label": labels.get(doc.code, _("Altro documento")),
                "urls": pages.document_urls(application, doc),
                "removable": removable,
            }
        )
    present = {d.code for d in documents}
    required = [
        {"code": d.code, "label": d.label, "required": d.required, "present": d.code in present}
        for d in parsed.documents
    ]
    return rows, required


def draft_closed(application: Application) -> bool:
    """A draft left behind by a call that no longer takes applications."""
    return (
        application.status == ApplicationStatus.DRAFT
        and not application.call.accepts_applications()
    )


def base_context(pages: Pages, application: Application) -> dict:
    parsed = engine.parse_rules(application.call.rules)
    documents, required_documents = _document_rows(pages, application, parsed)
    members = list(application.members.filter(active=True).order_by("pk"))
    for member in members:
        member.relationship_label = relationship_label(member.relationship)
    return {
        "application": application,
        "call": application.call,
        "pages": pages,
        "desk": pages.desk,
        "crumbs": pages.crumbs(application) if pages.crumbs else None,
        "urls": pages.urls(application),
        "badge": badge(application.status),
        "members": members,
        "documents": documents,
        "required_documents": required_documents,
        "needs_isee": needs_isee(parsed),
        "declarations": [
            {"text": d.text, "ticked": bool((application.declarations or {}).get(d.code))}
            for d in parsed.declarations
        ],
        "clarification": services.open_clarification(application),
        "draft_closed": draft_closed(application),
        "accepted_types": ACCEPTED_TYPES,
        "max_upload_mb": max_upload_bytes() // (1024 * 1024),
    }


def render_edit(request, pages, application, *, form=None, document_form=None, status=200):
    context = base_context(pages, application)
    context.update(
        {
            "form": form
            or DraftForm(
                application=application,
                inps=inps_isee_for(application) if pages.registry else None,
            ),
            "document_form": document_form or DocumentForm(call=application.call),
            "warnings": services.draft_warnings(application),
            "problems": services.submission_problems(application),
        }
    )
    return render(request, "calls/applications/edit.html", context, status=status)


def edit(request, pages, application, actor):
    closed = (
        application.status == ApplicationStatus.DRAFT
        and not application.call.accepts_applications()
    )
    if not application.is_editable_by_citizen or closed:
        return redirect(pages.urls(application)["detail"])
    if request.method == "POST":
        form = DraftForm(request.POST, application=application)
        if form.is_valid():
            try:
                services.save_draft(actor, application, **form.service_kwargs())
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Dati salvati."))
                target = "submit" if request.POST.get("next") == "submit" else "edit"
                if target == "submit" and application.status == ApplicationStatus.CLARIFICATION:
                    target = "detail"
                return redirect(pages.urls(application)[target])
        application.refresh_from_db()
        return render_edit(request, pages, application, form=form, status=400)
    return render_edit(request, pages, application)


def autosave(request, pages, application, actor):
    """HTMX: save the draft on every change; answer with the "saved at" line."""
    if request.method != "POST":
        return redirect(pages.urls(application)["edit"])
    form = DraftForm(request.POST, application=application)
    errors: list[str] = []
    saved_at = None
    if form.is_valid():
        try:
            application = services.save_draft(actor, application, **form.service_kwargs())
            saved_at = timezone.localtime()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                errors = [
                    f"{form.fields[f].label}: {m}" if f in form.fields else m
                    for f, ms in exc.message_dict.items()
                    for m in ms
                ]
            else:
                errors = exc.messages
    else:
        errors = [
            f"{form.fields[f].label}: {m}" if f in form.fields else m
            for f, ms in form.errors.items()
            for m in ms
        ]
    return render(
        request,
        "calls/applications/_save_status.html",
        {
            "saved_at": saved_at,
            "errors": errors,
            "warnings": services.draft_warnings(application) if not errors else [],
            "problems": services.submission_problems(application) if saved_at else [],
        },
    )


def refresh(request, pages, application, actor):
    if request.method == "POST":
        try:
            services.refresh_household(actor, application)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Nucleo familiare aggiornato dall'anagrafe."))
    return redirect(pages.urls(application)["edit"] + "#nucleo")


def document_add(request, pages, application, actor):
    if request.method != "POST":
        return redirect(pages.urls(application)["edit"] + "#documenti")
    form = DocumentForm(request.POST, request.FILES, call=application.call)
    if form.is_valid():
        try:
            services.add_document(
                actor, application, form.cleaned_data["code"], form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Documento caricato."))
            back = request.POST.get("back") == "detail"
            return redirect(pages.urls(application)["detail" if back else "edit"] + "#documenti")
    if not application.is_editable_by_citizen:
        return redirect(pages.urls(application)["detail"])
    return render_edit(request, pages, application, document_form=form, status=400)


def document_remove(request, pages, application, actor, doc_pk):
    document = get_object_or_404(application.documents, pk=doc_pk)
    if request.method == "POST":
        try:
            services.remove_document(actor, application, document)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Documento tolto dalla domanda."))
    return redirect(pages.urls(application)["edit"] + "#documenti")


def document_download(application, doc_pk):
    """The page has checked who asks; core's file response sets the private-file headers."""
    document = get_object_or_404(application.documents, pk=doc_pk)
    return file_response(document_file(document))


def submit(request, pages, application, actor):
    if application.status != ApplicationStatus.DRAFT:
        return redirect(pages.urls(application)["detail"])
    errors = []
    if request.method == "POST":
        try:
            services.submit_application(actor, application)
        except ValidationError as exc:
            errors = exc.messages
            application.refresh_from_db()
        else:
            application.refresh_from_db()
            messages.success(
                request,
                _("Domanda inviata. Numero di protocollo: %(p)s. Scarichi la ricevuta qui sotto.")
                % {"p": application.protocol},
            )
            return redirect(pages.urls(application)["detail"])
    problems = services.submission_problems(application)
    preview = None
    if not problems:
        # What the rules engine would say now: shown before sending, never saved here.
        outcome = evaluate_application(application)
        preview = {
            "eligible": outcome.eligible,
            "amount": outcome.amount,
            "failures": [f.message for f in outcome.failures],
        }
    context = base_context(pages, application)
    context.update(
        {
            "problems": problems,
            "errors": errors,
            "warnings": services.draft_warnings(application),
            "preview": preview,
            "accepts": application.call.accepts_applications(),
        }
    )
    return render(request, "calls/applications/submit.html", context, status=400 if errors else 200)


def withdraw(request, pages, application, actor):
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_application(actor, application, form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Domanda ritirata."))
            return redirect(pages.urls(application)["detail"])
    context = base_context(pages, application)
    context["form"] = form
    context["withdrawable"] = application.status in services.WITHDRAWABLE
    return render(
        request,
        "calls/applications/withdraw.html",
        context,
        status=400 if form.errors else 200,
    )


def answer_form(application, data=None, files=None):
    return ClarificationAnswerForm(data, files, call=application.call)


def answer(request, pages, application, actor):
    if request.method != "POST":
        return redirect(pages.urls(application)["detail"])
    form = answer_form(application, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.answer_clarification(
                actor, application, form.cleaned_data["answer"], form.documents()
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Risposta inviata: la domanda torna all'esame del Comune."))
            return redirect(pages.urls(application)["detail"])
    application.refresh_from_db()
    return detail(request, pages, application, answer=form, status=400)


def detail(request, pages, application, *, answer=None, consent_form=None, status=200):
    context = base_context(pages, application)
    award = Award.objects_unscoped.filter(application=application).first()
    context.update(
        {
            "history": history(application, desk=pages.desk),
            "next_step": next_step(application.status, desk=pages.desk),
            "answer_form": answer
            or (answer_form(application) if context["clarification"] else None),
            "answered": application.clarifications.filter(
                status=ClarificationStatus.ANSWERED
            ).order_by("-answered_at"),
            "award": award,
            "withdrawable": application.status in services.WITHDRAWABLE,
            "consent_form": consent_form,
        }
    )
    return render(request, "calls/applications/detail.html", context, status=status)


def receipt(application):
    if not application.protocol:
        raise Http404
    return file_response(
        ServedFile(
            filename=f"ricevuta-{application.protocol}.pdf",
            content_type="application/pdf",
            content=receipt_pdf(application),
            inline=True,
        )
    )
