"""The Points' admin pages: the organisation's Points, a new Point, one Point with its
operators. Rows are looked up within the admin's tenants (another's: 404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.desk.forms import OperatorForm, PointForm
from benecomune.desk.models import PointOperator, WelfarePoint
from benecomune.desk.services import points as services
from benecomune.desk.views.common import points_admin_page


def managed_point(request, pk) -> WelfarePoint:
    """The Point if the actor administers its organisation; otherwise 404."""
    point = get_object_or_404(WelfarePoint.objects.select_related("organization"), pk=pk)
    if not services.can_manage(request.actor, point.organization):
        raise Http404
    return point


@points_admin_page
def point_list(request, organization):
    rows = (
        WelfarePoint.objects.select_related("organization", "municipality")
        .order_by("name")
        .prefetch_related("operators__membership__user")
    )
    return render(request, "desk/points/list.html", {"points": rows, "organization": organization})


@points_admin_page
def point_new(request, organization):
    form = PointForm(request.POST or None, municipalities=services.municipalities_for(organization))
    if request.method == "POST" and form.is_valid():
        try:
            point = services.create_point(request.actor, organization, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Punto Welfare creato: aggiunga ora i suoi operatori."))
            return redirect("desk:point", pk=point.pk)
    return render(request, "desk/points/form.html", {"form": form, "point": None})


@points_admin_page
def point_edit(request, organization, pk):
    point = managed_point(request, pk)
    form = PointForm(
        request.POST if request.POST.get("form") == "point" else None,
        instance=point,
        municipalities=services.municipalities_for(point.organization),
    )
    operator_form = OperatorForm(
        request.POST if request.POST.get("form") == "operator" else None,
        memberships=services.candidate_memberships(point),
    )
    if request.method == "POST":
        try:
            if form.is_bound and form.is_valid():
                services.update_point(request.actor, point, **form.cleaned_data)
                messages.success(request, _("Punto Welfare salvato."))
                return redirect("desk:point", pk=point.pk)
            if operator_form.is_bound and operator_form.is_valid():
                services.add_operator(
                    request.actor, point, operator_form.cleaned_data["membership"]
                )
                messages.success(request, _("Operatore aggiunto al punto."))
                return redirect("desk:point", pk=point.pk)
        except ValidationError as exc:
            add_errors(form if form.is_bound else operator_form, exc)
    operators = (
        PointOperator.objects.filter(point=point, is_active=True)
        .select_related("membership__user")
        .order_by("membership__user__full_name")
    )
    return render(
        request,
        "desk/points/form.html",
        {"form": form, "point": point, "operator_form": operator_form, "operators": operators},
    )


@require_POST
@points_admin_page
def operator_remove(request, organization, pk, operator_pk):
    point = managed_point(request, pk)
    operator = get_object_or_404(PointOperator.objects, pk=operator_pk, point=point)
    services.remove_operator(request.actor, operator)
    messages.success(request, _("Operatore tolto dal punto: i suoi casi restano da riassegnare."))
    return redirect("desk:point", pk=point.pk)
