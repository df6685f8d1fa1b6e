"""Rectification and erasure requests: the citizen's form and list in their area, and the
Comune's queue and page for staff with `privacy.manage`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import filter_form, filtered, paged
from benecomune.core.views.decorators import citizen_required, staff_permission
from benecomune.identity.data_requests_forms import (
    CloseRequestForm,
    DataRequestForm,
    RequestFilterForm,
)
from benecomune.identity.models import DataRequest
from benecomune.identity.models.privacy import OPEN_REQUEST_STATUSES
from benecomune.identity.services import data_requests as services


@citizen_required
def my_requests(request):
    form = DataRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_request(request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Richiesta inviata al Comune."))
            return redirect("identity:my_requests")
    rows = services.requests_of(request.user.person_id)
    return render(
        request,
        "identity/privacy_my_requests.html",
        {"form": form, "requests": rows, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


def _apply_filter(rows, data):
    status = data.get("status")
    if status == "open":
        return rows.filter(status__in=OPEN_REQUEST_STATUSES)
    return rows.filter(status=status) if status else rows


@staff_permission("privacy.manage")
def request_queue(request):
    form = filter_form(request, RequestFilterForm, initial={"status": "open"})
    rows = filtered(
        form, DataRequest.objects.select_related("person").order_by("deadline"), _apply_filter
    )
    listing = paged(request, rows, per_page=30, form=form)
    return render(
        request,
        "identity/privacy_request_queue.html",
        {**listing.context(), "today": timezone.localdate()},
    )


@staff_permission("privacy.manage")
def request_detail(request, pk):
    data_request = get_object_or_404(DataRequest.objects.select_related("person"), pk=pk)
    form = CloseRequestForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "take":
                services.take_request(request.actor, data_request)
            elif action in ("done", "refuse") and form.is_valid():
                services.close_request(
                    request.actor,
                    data_request,
                    done=action == "done",
                    outcome=form.cleaned_data["outcome"],
                )
            else:
                raise ValidationError(_("Scelga un'azione."))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Richiesta aggiornata."))
            return redirect("identity:request_detail", pk=data_request.pk)
    return render(
        request,
        "identity/privacy_request_detail.html",
        {"data_request": data_request, "form": form, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )
