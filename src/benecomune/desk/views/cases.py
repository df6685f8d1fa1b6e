"""The operators' pages: the worklist (cases by state, reviews due, search within the
Point's cases), the coordinator's team view, the intake form, a case and its actions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.identifiers import normalize_fiscal_code
from benecomune.core.lists import filter_form, filtered, paged
from benecomune.core.models import Membership
from benecomune.desk import access
from benecomune.desk.forms import (
    AttachmentForm,
    CloseForm,
    ConsentForm,
    IntakeForm,
    NoteForm,
    ReviewForm,
    StatusForm,
    TransferForm,
    WorklistFilterForm,
)
from benecomune.desk.informativa import INFORMATIVA_VERSION, template_for
from benecomune.desk.models import CaseStatus, WelfarePoint
from benecomune.desk.services import cases as services
from benecomune.desk.services import intake as intake_services
from benecomune.desk.services.points import municipalities_for
from benecomune.desk.views import referrals
from benecomune.desk.views.common import operator_page


def search(rows, data):
    """Within the given (already restricted) cases: by codice fiscale, protocol or name."""
    q = (data.get("q") or "").strip()
    if q:
        code = normalize_fiscal_code(q)
        rows = rows.filter(
            Q(person__fiscal_code=code)
            | Q(protocol__iexact=q)
            | Q(person__last_name__icontains=q)
            | Q(person__first_name__icontains=q)
            | Q(anonymous_label__icontains=q)
        )
    if data.get("stato"):
        rows = rows.filter(status=data["stato"])
    elif not q:
        rows = rows.exclude(status=CaseStatus.CLOSED)
    if data.get("verifiche"):
        rows = rows.filter(next_review_on__lte=timezone.localdate()).exclude(
            status=CaseStatus.CLOSED
        )
    return rows


def _counts(rows) -> dict:
    found = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    return [(value, label, found.get(value, 0)) for value, label in CaseStatus.choices]


@operator_page
def worklist(request, points):
    mine = access.visible_cases(request.actor).filter(assigned_to=request.user)
    form = filter_form(request, WorklistFilterForm)
    # A search looks through all the Point's cases; the list itself shows the operator's own.
    base = access.visible_cases(request.actor) if request.GET.get("q") else mine
    rows = filtered(form, base, search).select_related("person", "point", "assigned_to")
    listing = paged(request, rows.order_by("next_review_on", "-opened_at"), per_page=30, form=form)
    due = (
        mine.filter(next_review_on__lte=timezone.localdate())
        .exclude(status=CaseStatus.CLOSED)
        .count()
    )
    return render(
        request,
        "desk/cases/worklist.html",
        {
            **listing.context(),
            "points": points,
            "counts": _counts(mine),
            "due": due,
            "today": timezone.localdate(),
            "referrals": referrals.worklist_section(request.actor),
        },
    )


@operator_page
def team(request, points):
    coordinated = list(access.coordinated_points(request.actor).values_list("pk", flat=True))
    if not coordinated:
        raise PermissionDenied
    cases = access.visible_cases(request.actor).filter(point_id__in=coordinated)
    form = filter_form(request, WorklistFilterForm)
    rows = filtered(form, cases, search).select_related("person", "point", "assigned_to")
    listing = paged(
        request, rows.order_by("assigned_to__full_name", "-opened_at"), per_page=50, form=form
    )
    today = timezone.localdate()
    load = (
        Membership.objects.filter(
            welfare_points__point_id__in=coordinated, welfare_points__is_active=True
        )
        .select_related("user")
        .annotate(
            open_cases=Count(
                "user__desk_cases",
                filter=Q(user__desk_cases__point_id__in=coordinated)
                & ~Q(user__desk_cases__status=CaseStatus.CLOSED),
                distinct=True,
            ),
            due=Count(
                "user__desk_cases",
                filter=Q(user__desk_cases__point_id__in=coordinated)
                & ~Q(user__desk_cases__status=CaseStatus.CLOSED)
                & Q(user__desk_cases__next_review_on__lte=today),
                distinct=True,
            ),
        )
        .order_by("user__full_name")
        .distinct()
    )
    return render(
        request,
        "desk/cases/team.html",
        {**listing.context(), "load": load, "counts": _counts(cases), "today": today},
    )


@operator_page
def intake(request, points):
    point = _chosen_point(request, points)
    organization = point.organization if point else request.actor.organization
    form = IntakeForm(request.POST or None, municipalities=municipalities_for(organization))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = intake_services.open_case(
                request.actor,
                point,
                intake_services.Intake(
                    source=data["source"],
                    needs=data["needs"],
                    urgency=data["urgency"],
                    summary=data["summary"],
                    fiscal_code=data["fiscal_code"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    residence=data["residence"],
                    anonymous_label=data["anonymous_label"],
                    anonymous_contact=data["anonymous_contact"],
                    next_review_on=data["next_review_on"],
                    consents=data["consents"],
                    consent_method=data["consent_method"],
                    consent_note=data["consent_note"],
                ),
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                exc = ValidationError(str(exc))
            add_errors(form, exc)
        else:
            messages.success(request, _("Caso %(p)s aperto.") % {"p": case.protocol})
            return redirect("desk:case", pk=case.pk)
    return render(
        request,
        "desk/cases/intake.html",
        {
            "form": form,
            "points": points,
            "point": point,
            "informativa": template_for(),
            "informativa_version": INFORMATIVA_VERSION,
        },
    )


def _chosen_point(request, points) -> WelfarePoint | None:
    wanted = request.POST.get("point") or request.GET.get("point")
    for point in points:
        if str(point.pk) == wanted:
            return point
    return points[0] if points else None


@operator_page
def case_detail(request, points, pk):
    case = access.case_or_404(
        request.actor,
        pk,
        queryset=access.visible_cases(request.actor).select_related(
            "person", "household", "point", "assigned_to"
        ),
    )
    if not access.own_cases(request.actor).filter(pk=case.pk).exists():
        return referrals.referred_case(request, case)  # referred to the actor's Point
    return render(request, "desk/cases/detail.html", _case_context(request, case))


def _case_context(request, case, **forms) -> dict:
    actor = request.actor
    members = []
    if case.household_id:
        members = list(case.household.members.select_related("person"))
    coordinator = access.coordinated_points(actor).filter(pk=case.point_id).exists()
    return {
        "case": case,
        "needs": case.needs.select_related("area"),
        "members": members,
        "notes": access.visible_notes(actor, case),
        "in_team": access.in_team(actor, case),
        "attachments": case.attachments.all(),
        "consents": case.consents.all(),
        "can_transfer": coordinator or case.assigned_to_id == request.user.pk,
        "today": timezone.localdate(),
        "status_form": forms.get("status_form") or StatusForm(auto_id=STATUS_ID),
        "close_form": forms.get("close_form") or CloseForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "review_form": forms.get("review_form")
        or ReviewForm(initial={"next_review_on": case.next_review_on}),
        "transfer_form": forms.get("transfer_form")
        or TransferForm(memberships=services.transfer_targets(case), auto_id=TRANSFER_ID),
        "consent_form": forms.get("consent_form") or ConsentForm(),
        "referrals": case.referrals.select_related("to_organization", "to_point", "to_service"),
    }


# Two forms of the case page have a "reason": distinct ids keep the labels right.
STATUS_ID, TRANSFER_ID = "id_status_%s", "id_transfer_%s"

MOVES = {
    "prendi-in-carico": lambda actor, case, data: services.start(actor, case),
    "sospendi": lambda actor, case, data: services.suspend(actor, case, reason=data["reason"]),
    "riprendi": lambda actor, case, data: services.resume(actor, case),
    "riapri": lambda actor, case, data: services.reopen(actor, case, reason=data["reason"]),
}


@require_POST
@operator_page
def case_action(request, points, pk, action):
    actor = request.actor
    case = access.case_or_404(actor, pk)
    form_name, form = _action_form(request, case, action)
    if form is None:
        raise Http404
    if form.is_valid():
        data = form.cleaned_data
        try:
            message = _run(actor, case, action, data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("desk:case", pk=case.pk)
    case.refresh_from_db()
    return render(
        request,
        "desk/cases/detail.html",
        _case_context(request, case, **{form_name: form}),
        status=400,
    )


def _action_form(request, case, action):
    data, files = request.POST, request.FILES
    if action in MOVES:
        return "status_form", StatusForm(data, auto_id=STATUS_ID)
    return {
        "chiudi": ("close_form", CloseForm(data)),
        "nota": ("note_form", NoteForm(data)),
        "allegato": ("attachment_form", AttachmentForm(data, files)),
        "verifica": ("review_form", ReviewForm(data)),
        "trasferisci": (
            "transfer_form",
            TransferForm(data, memberships=services.transfer_targets(case), auto_id=TRANSFER_ID),
        ),
        "consenso": ("consent_form", ConsentForm(data)),
    }.get(action, (None, None))


def _run(actor, case, action, data) -> str:
    if action in MOVES:
        MOVES[action](actor, case, data)
        return _("Stato del caso aggiornato.")
    if action == "chiudi":
        services.close(actor, case, outcome=data["outcome"], note=data["outcome_note"])
        return _("Caso chiuso.")
    if action == "nota":
        services.add_note(actor, case, text=data["text"], confidential=data["confidential"])
        return _("Nota aggiunta.")
    if action == "allegato":
        services.add_attachment(actor, case, upload=data["file"], description=data["description"])
        return _("Allegato aggiunto.")
    if action == "verifica":
        services.set_review(actor, case, on=data["next_review_on"])
        return _("Data della prossima verifica salvata.")
    if action == "trasferisci":
        services.transfer(actor, case, to=data["to"], reason=data["reason"])
        return _("Caso trasferito.")
    services.add_consent(
        actor, case, purpose=data["purpose"], method=data["method"], note=data["note"]
    )
    return _("Consenso registrato.")


@require_POST
@operator_page
def consent_withdraw(request, points, pk, consent_pk):
    case = access.case_or_404(request.actor, pk)
    consent = case.consents.filter(pk=consent_pk).first()
    if consent is None:
        raise Http404
    try:
        services.withdraw_consent(request.actor, consent, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Consenso revocato."))
    return redirect("desk:case", pk=case.pk)
