"""The shop's "Incassi": its till sales (till page and POS API) in a period, the days' totals,
CSV/XLSX exports and the printable day close. Everything is read for the shop of the active
role only (an explicit filter on the merchant), numbered by `services.takings`."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.files import file_response
from benecomune.core.forms_helpers import pairs_querystring
from benecomune.core.lists import export, filter_form, paged
from benecomune.core.models import Provider
from benecomune.core.views.decorators import staff_permission
from benecomune.vouchers import takings_files
from benecomune.vouchers.forms import FIRST_DAY, LAST_DAY, TakingsPeriodForm
from benecomune.vouchers.services import takings

PAGE_SIZE = 50


def _merchant(request) -> Provider:
    organization = request.actor.organization
    if organization is None or organization.kind != "provider":
        raise PermissionDenied
    return Provider.objects.get(pk=organization.pk)


@staff_permission("merchant.view")
def takings_list(request):
    merchant = _merchant(request)
    today = timezone.localdate()
    # The fields show the period shown: today's, when the page opens.
    form = filter_form(
        request, TakingsPeriodForm, initial={"dal": today.isoformat(), "al": today.isoformat()}
    )
    start = end = today
    if form.is_valid():
        start, end = form.cleaned_data["dal"], form.cleaned_data["al"]
        response = export(
            request,
            csv=lambda: takings_files.takings_csv(merchant.pk, start, end),
            xlsx=lambda: takings_files.takings_xlsx(merchant.pk, start, end),
        )
        if response is not None:
            return response
    rows = takings.sales(merchant.pk, start, end).order_by("-created_at", "-pk")
    listing = paged(
        request,
        rows,
        per_page=PAGE_SIZE,
        form=form,
        # The period as read (a missing day filled in), for the page and export links.
        querystring=pairs_querystring(("dal", start), ("al", end)),
        prepare=takings.numbered,
    )
    days = takings.day_totals(merchant.pk, start, end)
    return render(
        request,
        "vouchers/takings/list.html",
        {
            **listing.context(),
            "start": start,
            "end": end,
            "days": days,
            "total": takings.overall(days) if len(days) > 1 else None,
            "today": today,
        },
    )


@staff_permission("merchant.view")
def day_close(request):
    """The day close of `?giorno=YYYY-MM-DD` (default today) as PDF."""
    merchant = _merchant(request)
    raw = request.GET.get("giorno") or timezone.localdate().isoformat()
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:  # 9999-12-31 has no next day
        messages.error(request, _("Data non valida: la scelga dal calendario."))
        return redirect("vouchers:redemptions")
    return file_response(takings_files.day_close_pdf(merchant, day))
