"""Staff pages to define calls: list, editor, detail with history, dry run, lifecycle steps.
Views are thin: every change goes through calls.services.definition."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.calls.describe import describe_call, failure_label
from benecomune.calls.forms.definition import CallEditor, ReasonForm, lineage_ids
from benecomune.calls.models import Application, ApplicationStatus, Call, CallStatus
from benecomune.calls.services import definition as services
from benecomune.calls.views.definition_editor import draft_summary, editor_sections
from benecomune.core.forms_helpers import pairs_querystring
from benecomune.core.lists import choice, paged
from benecomune.core.models import AuditEvent, OrganizationKind
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.services.funds import fund_summary

PAGE_SIZE = 25
UPDATE_ACTIONS = ("calls.call_updated", "calls.call_autosaved")


def _call(pk) -> Call:
    # The scoped manager: another Comune's call is simply not found (404).
    return get_object_or_404(
        Call.objects.select_related("organization", "fund", "previous_version"), pk=pk
    )


def _visible_call(request, pk) -> Call:
    """Read-only pages: also the joint calls the role's Comune pays into (404 otherwise)."""
    return get_object_or_404(
        Call.visible_to(request.actor).select_related("organization", "fund", "previous_version"),
        pk=pk,
    )


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@staff_permission("calls.manage")
def call_list(request):
    status = choice(request, "stato", CallStatus)
    calls = (
        Call.visible_to(request.actor)
        .select_related("organization")
        .annotate(
            submitted=Count("applications", filter=~Q(applications__status=ApplicationStatus.DRAFT))
        )
        .order_by("-created_at")
    )
    # Old versions stay reachable from their successor and through the filter.
    calls = calls.filter(status=status) if status else calls.exclude(status=CallStatus.SUPERSEDED)
    listing = paged(
        request, calls, per_page=PAGE_SIZE, querystring=pairs_querystring(("stato", status))
    )
    return render(
        request,
        "calls/definition/list.html",
        {**listing.context(), "status": status, "statuses": CallStatus.choices},
    )


def _editor_page(request, editor, call=None):
    owner = editor.owner
    is_network = owner.kind == OrganizationKind.NETWORK
    return render(
        request,
        "calls/definition/form.html",
        {
            "editor": editor,
            "call": call,
            "owner": owner,
            "is_network": is_network,
            "sections": editor_sections(is_network=is_network, has_summary=call is not None),
            # The summary shows the saved draft (the form may hold unsaved changes).
            "summary": draft_summary(call) if call is not None else None,
        },
    )


@staff_permission("calls.manage")
def call_create(request):
    owner = request.actor.organization
    editor = CallEditor(request.POST or None, owner=owner)
    if request.method == "POST" and editor.is_valid():
        try:
            call = services.create_call(
                request.actor,
                organization=owner,
                shares=editor.share_list(),
                **editor.call_fields(),
            )
        except ValidationError as exc:
            editor.add_service_error(exc)
        else:
            messages.success(
                request, _("Bando salvato in bozza. Provi la simulazione prima di pubblicarlo.")
            )
            return redirect("calls:call_detail", pk=call.pk)
    return _editor_page(request, editor)


@staff_permission("calls.manage")
def call_edit(request, pk):
    call = _call(pk)
    if call.is_frozen:
        messages.error(
            request,
            _("Il bando è già pubblicato e le sue regole sono bloccate: crei una nuova versione."),
        )
        return redirect("calls:call_detail", pk=call.pk)
    owner = call.organization
    editor = CallEditor(request.POST or None, owner=owner, call=call)
    if request.method == "POST" and editor.is_valid():
        shares = editor.share_list() if editor.shares is not None else None
        try:
            services.update_call(request.actor, call, shares=shares, **editor.call_fields())
        except ValidationError as exc:
            editor.add_service_error(exc)
        else:
            messages.success(request, _("Modifiche salvate."))
            return redirect("calls:call_detail", pk=call.pk)
    return _editor_page(request, editor, call)


def _ranking_url(call) -> str | None:
    """The ranking page is built in another part of the app: link it only if it exists."""
    try:
        return reverse("calls:ranking", args=[call.pk])
    except NoReverseMatch:
        return None


def _history(call, versions):
    """Audit events of every version of the call, newest first, with the fields changed."""
    events = AuditEvent.objects_unscoped.filter(
        object_type="calls.call", object_id__in=[str(v.pk) for v in versions]
    ).select_related("actor")
    labels = {f.name: f.verbose_name for f in Call._meta.get_fields() if hasattr(f, "verbose_name")}
    rows = []
    for event in events.order_by("-created_at", "-pk")[:100]:
        changed = []
        if event.before and event.after and event.action in UPDATE_ACTIONS:
            changed = [
                str(labels.get(name, name))
                for name, value in event.after.items()
                if event.before.get(name) != value
            ]
        rows.append({"event": event, "changed": changed})
    return rows


@staff_permission("calls.manage")
def call_detail(request, pk):
    call = _visible_call(request, pk)
    versions = list(
        Call.objects_unscoped.filter(pk__in=lineage_ids(call))
        .select_related("organization")
        .order_by("version")
    )
    counts = dict(
        Application.objects.filter(call=call)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    summary = fund_summary(call.fund)
    return render(
        request,
        "calls/definition/detail.html",
        {
            "call": call,
            "sections": describe_call(call),
            "shares": list(
                call.shares.select_related("municipality").order_by("municipality__name")
            ),
            "counts": [
                (value, label, counts.get(value, 0)) for value, label in ApplicationStatus.choices
            ],
            "total_applications": sum(counts.values()),
            "fund_summary": summary,
            "versions": versions,
            "next_version": next((v for v in versions if v.version > call.version), None),
            "history": _history(call, versions),
            "ranking_url": _ranking_url(call),
            "categories": _category_labels(call.allowed_categories),
            "public_url": _public_url(call),
            # A Comune paying into a network's call sees it, but only the network manages it.
            "can_manage": request.actor.has_perm("calls.manage", call.organization_id),
        },
    )


def _category_labels(values) -> list[str]:
    from benecomune.core.models import MerchantCategory

    labels = dict(MerchantCategory.choices)
    return [str(labels.get(v, v)) for v in values or []]


def _public_url(call) -> str | None:
    if call.status in (CallStatus.DRAFT, CallStatus.SUPERSEDED):
        return None
    return reverse("calls:public_call", kwargs={"slug": call.organization.slug, "code": call.code})


@staff_permission("calls.manage")
def call_dry_run(request, pk):
    call = _call(pk)
    result = services.dry_run(call)
    failures = [
        {"code": code, "label": failure_label(code), "count": n}
        for code, n in result["failures"].items()
    ]
    not_qualifying = result["households"] - result["qualifying"]
    short_fund = (
        call.status == CallStatus.DRAFT
        and result["fund_available"] is not None
        and result["fund_available"] < call.budget
    )
    return render(
        request,
        "calls/definition/dry_run.html",
        {
            "call": call,
            "result": result,
            "failures": failures,
            "not_qualifying": not_qualifying,
            "short_fund": short_fund,
            "shortfall": max(result["cost"] - result["budget"], 0),
            "computed_at": timezone.now(),
        },
    )


@staff_permission("calls.manage")
def call_publish(request, pk):
    call = _call(pk)
    if request.method == "POST":
        try:
            services.publish_call(request.actor, call)
        except ValidationError as exc:
            messages.error(
                request, _("Il bando non è stato pubblicato: %(why)s") % {"why": _error_text(exc)}
            )
        else:
            messages.success(request, _("Bando pubblicato: il budget è prenotato sul fondo."))
        return redirect("calls:call_detail", pk=call.pk)
    summary = fund_summary(call.fund)
    return render(
        request,
        "calls/definition/publish.html",
        {
            "call": call,
            "fund_summary": summary,
            "short_fund": summary["available"] < call.budget,
            "sections": describe_call(call),
        },
    )


def _reason_step(request, call, *, template_title, intro, button, required, help_text, run):
    """GET: a form asking the reason; POST: run the service step, or show its refusal."""
    form = ReasonForm(request.POST or None, required=required, help_text=help_text)
    if request.method == "POST" and form.is_valid():
        try:
            result = run(form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return result
    return render(
        request,
        "calls/definition/step.html",
        {"call": call, "form": form, "title": template_title, "intro": intro, "button": button},
    )


@staff_permission("calls.manage")
def call_new_version(request, pk):
    call = _call(pk)

    def run(reason):
        draft = services.new_version(request.actor, call, reason=reason)
        messages.success(
            request,
            _(
                "Creata la versione %(v)s in bozza. La versione pubblicata resta valida finché "
                "non pubblica la nuova."
            )
            % {"v": draft.version},
        )
        return redirect("calls:call_edit", pk=draft.pk)

    return _reason_step(
        request,
        call,
        template_title=_("Nuova versione del bando"),
        intro=_(
            "Le regole di un bando pubblicato non si modificano: se ne crea una nuova versione "
            "in bozza. Quando la pubblica, sostituisce questa; le domande già presentate passano "
            "alla nuova versione e vengono ricalcolate con le nuove regole."
        ),
        button=_("Crea la nuova versione"),
        required=True,
        help_text=_("Resta nel registro delle attività, ad esempio: soglia ISEE corretta."),
        run=run,
    )


@staff_permission("calls.manage")
def call_close(request, pk):
    call = _call(pk)
    early = timezone.now() < call.closes_at

    def run(reason):
        services.close_call(request.actor, call, reason=reason)
        messages.success(request, _("Bando chiuso: non accetta più domande."))
        return redirect("calls:call_detail", pk=call.pk)

    return _reason_step(
        request,
        call,
        template_title=_("Chiudi il bando alle domande"),
        intro=(
            _(
                "La scadenza annunciata non è ancora arrivata: per chiudere prima indichi il "
                "motivo. Le domande in bozza non presentate escono dal bando."
            )
            if early
            else _("Le domande in bozza non presentate escono dal bando.")
        ),
        button=_("Chiudi il bando"),
        required=early,
        help_text="",
        run=run,
    )


@staff_permission("calls.manage")
def call_close_out(request, pk):
    call = _call(pk)

    def run(reason):
        services.close_out_call(request.actor, call, reason=reason)
        messages.success(
            request, _("Bando concluso: la parte di budget non usata torna disponibile sul fondo.")
        )
        return redirect("calls:call_detail", pk=call.pk)

    return _reason_step(
        request,
        call,
        template_title=_("Concludi il bando"),
        intro=_(
            "Concludere il bando libera la parte del budget prenotato che non è stata "
            "assegnata: torna disponibile sul fondo."
        ),
        button=_("Concludi il bando"),
        required=False,
        help_text=_("Serve se il periodo per chiedere i rimborsi non è ancora finito."),
        run=run,
    )
