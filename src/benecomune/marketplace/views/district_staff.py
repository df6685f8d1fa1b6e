"""The Comune's page of its commerce district ("Distretto del commercio"): the directory's
figures and the local-spend share of its welfare money, for a period. Same permission as the
voucher reports (circuit.manage); a network's administrators see every Comune of the network."""

from django.shortcuts import render

from benecomune.core.models import Organization
from benecomune.core.views.decorators import staff_permission
from benecomune.marketplace.services import directory
from benecomune.vouchers.forms import PeriodForm
from benecomune.vouchers.services.reports import Period


@staff_permission("circuit.manage")
def district(request):
    org = Organization.objects.get(pk=request.actor.organization.pk)
    form = PeriodForm(request.GET or None)
    period = Period()
    if form.is_valid():
        period = Period(form.cleaned_data["dal"], form.cleaned_data["al"])
    shares, whole = directory.spend_shares(org, period)
    return render(
        request,
        "marketplace/district/staff.html",
        {
            "organization": org,
            "form": form,
            "counts": directory.counts(org),
            "shares": shares,
            "whole": whole,
        },
    )
