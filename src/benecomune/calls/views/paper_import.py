"""Paper applications imported in bulk by the desk (or the Comune's administrator).

Three steps: download the call's template, upload the filled file (every row is checked and a
report lists each problem by row and column; nothing is written), confirm the summary (the
file is checked again and every application is filed and submitted in one transaction).
Between the check and the confirmation the file waits in private storage, named by a signed
token; a call of another Comune is a 404.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from benecomune.calls import paper_sheet
from benecomune.calls.forms.paper_import import PaperImportForm
from benecomune.calls.models import Call, CallStatus
from benecomune.calls.services.paper import call_window_problem
from benecomune.calls.services.paper_import import (
    BATCH_ACTION,
    PaperImportError,
    can_import,
    check_sheet,
    file_digest,
    import_paper_applications,
)
from benecomune.core.files import file_url, filename_from_title, stored_name
from benecomune.core.models import AuditEvent

TOKEN_SALT = "calls.paper_import"  # noqa: S105 (a signing salt, not a password)
TOKEN_AGE = 2 * 60 * 60  # seconds the checked file waits for the confirmation


def importer_required(view):
    """The desk (desk.assist + applications.instruct) or a role managing calls."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        actor = getattr(request, "actor", None)
        if actor is None or actor.membership is None:
            raise PermissionDenied
        desk = actor.has_perm("desk.assist") and actor.has_perm("applications.instruct")
        if not (desk or actor.has_perm("calls.manage")):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _call(request, pk) -> Call:
    call = get_object_or_404(Call.visible_to(request.actor).select_related("organization"), pk=pk)
    if not can_import(request.actor, call):
        raise PermissionDenied
    return call


@importer_required
def paper_calls(request):
    """The calls whose paper applications this role may import."""
    actor = request.actor
    calls = [
        c
        for c in Call.visible_to(actor)
        .filter(status__in=[CallStatus.PUBLISHED, CallStatus.CLOSED])
        .order_by("closes_at")
        if can_import(actor, c) and call_window_problem(c) is None
    ]
    return render(request, "calls/paper_import/calls.html", {"calls": calls})


def _history(actor, call) -> list[dict]:
    events = AuditEvent.objects_unscoped.filter(
        action=BATCH_ACTION,
        object_type="calls.call",
        object_id=str(call.pk),
        organization_id__in=actor.tenant_ids,
    ).select_related("actor")[:10]
    return [
        {
            "event": e,
            "count": (e.after or {}).get("applications", 0),
            "name": (e.after or {}).get("file", ""),
            "sha256": (e.after or {}).get("file_sha256", ""),
            "url": file_url("paper-import", e.pk) if (e.after or {}).get("stored") else "",
        }
        for e in events
    ]


def _render(request, call, *, form=None, problems=None, rows=None, token="", status=200):
    problems = problems or []
    return render(
        request,
        "calls/paper_import/page.html",
        {
            "call": call,
            "form": form or PaperImportForm(),
            "columns": paper_sheet.columns_for(call),
            "window_problem": call_window_problem(call),
            "general": [p for p in problems if p.row is None],
            "row_problems": [p for p in problems if p.row is not None],
            "rows": rows,
            "token": token,
            "history": _history(request.actor, call),
            "max_rows": paper_sheet.max_rows(),
        },
        status=status,
    )


@importer_required
def paper_import(request, pk):
    call = _call(request, pk)
    if request.method != "POST":
        return _render(request, call)
    form = PaperImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, call, form=form, status=400)
    upload = form.cleaned_data["file"]
    if upload.size > paper_sheet.max_bytes():
        form.add_error(
            "file",
            _("Il file è troppo grande: il limite è %(kb)s kB. Lo divida in più file.")
            % {"kb": paper_sheet.max_bytes() // 1024},
        )
        return _render(request, call, form=form, status=400)
    data = upload.read()
    try:
        sheet, rows = check_sheet(request.actor, call, data)
    except PaperImportError as exc:
        return _render(request, call, form=form, problems=exc.problems, status=400)
    # Checked: keep the bytes privately until the operator confirms (never under a URL).
    folder = timezone.now().strftime("paper-imports/%Y/%m/")
    name = default_storage.save(folder + stored_name(f"f.{sheet.kind}"), ContentFile(data))
    token = signing.dumps(
        {
            "call": call.pk,
            "stored": name,
            "sha256": file_digest(data),
            "name": paper_sheet.clean_file_name(upload.name, sheet.kind),
            "user": request.user.pk,
        },
        salt=TOKEN_SALT,
    )
    return _render(request, call, rows=rows, token=token)


@require_POST
@importer_required
def paper_import_confirm(request, pk):
    actor = request.actor
    call = _call(request, pk)
    try:
        ticket = signing.loads(request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_AGE)
    except signing.BadSignature:
        messages.error(
            request, _("La conferma è scaduta o non è valida: carichi di nuovo il file.")
        )
        return redirect("calls:paper_import", pk=call.pk)
    if ticket.get("call") != call.pk or ticket.get("user") != request.user.pk:
        raise Http404
    try:
        with default_storage.open(ticket["stored"], "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        messages.error(request, _("Il file caricato non è più disponibile: lo carichi di nuovo."))
        return redirect("calls:paper_import", pk=call.pk)
    if file_digest(data) != ticket.get("sha256"):
        raise Http404
    try:
        filed = import_paper_applications(
            actor, call, data, file_name=ticket["name"], stored_name=ticket["stored"]
        )
    except PaperImportError as exc:
        return _render(request, call, problems=exc.problems, status=400)
    messages.success(
        request,
        ngettext(
            "Importata e presentata %(n)s domanda cartacea.",
            "Importate e presentate %(n)s domande cartacee.",
            len(filed),
        )
        % {"n": len(filed)},
    )
    return redirect(reverse("calls:paper_import", kwargs={"pk": call.pk}))


@importer_required
def paper_template(request, pk, kind):
    if kind not in ("csv", "xlsx"):
        raise Http404
    call = _call(request, pk)
    if kind == "xlsx":
        content, content_type = paper_sheet.template_xlsx(call), paper_sheet.XLSX_TYPE
    else:
        content, content_type = paper_sheet.template_csv(call), "text/csv; charset=utf-8"
    title = _("Domande cartacee %(code)s") % {"code": call.code}
    response = HttpResponse(content, content_type=content_type)
    filename = filename_from_title(title, kind)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
