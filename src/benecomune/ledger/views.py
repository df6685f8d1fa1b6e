"""Ledger pages: the citizen's wallets; the Comune's funds. Every query goes through the
scoped managers, so another Comune's fund or another person's wallet is simply not found."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors, pairs_querystring
from benecomune.core.lists import paged
from benecomune.core.models import Organization
from benecomune.core.scoping import tenant_scope
from benecomune.core.views.decorators import citizen_required, staff_permission
from benecomune.ledger.forms import ContributionForm, FundForm
from benecomune.ledger.models import Fund, Wallet
from benecomune.ledger.own_wallets import own_issuers, own_wallet
from benecomune.ledger.services import funds as fund_services
from benecomune.ledger.services.rules import rules_text
from benecomune.ledger.services.statements import (
    describe,
    spendable,
    statement,
    write_statement_csv,
)

PAGE_SIZE = 25


def _date_param(request, name):
    """The day of `?dal=` / `?al=`, None when malformed or so far off (year 1, 9999) that the
    statement cannot take the day before or after it."""
    try:
        day = datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None
    return day if datetime.date(1900, 1, 1) <= day <= datetime.date(2999, 12, 31) else None


def _movements(request, account):
    start, end = _date_param(request, "dal"), _date_param(request, "al")
    opening, entries = statement(account, start=start, end=end)
    # The dates as read (a malformed one left out), for the page and CSV links.
    listing = paged(
        request,
        entries,
        per_page=PAGE_SIZE,
        querystring=pairs_querystring(("dal", start), ("al", end)),
    )
    rows = [(entry, *describe(entry)) for entry in listing.page]
    return {**listing.context(), "rows": rows, "opening": opening, "start": start, "end": end}


def _csv_response(request, account, filename):
    start, end = _date_param(request, "dal"), _date_param(request, "al")
    _opening, entries = statement(account, start=start, end=end)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{slugify(filename)}-{stamp}.csv"'
    response.write("\ufeff")  # BOM: spreadsheets then read the file as UTF-8
    write_statement_csv(response, account, entries)
    return response


# --- Citizen ---------------------------------------------------------------------------------


@citizen_required
def wallet_list(request):
    person_id, issuers = own_issuers(request)
    with tenant_scope(issuers):
        wallets = list(
            Wallet.objects.filter(person_id=person_id)
            .select_related("account", "organization", "territory_network")
            .prefetch_related("territory_municipalities")
        )
    amounts = spendable(w.account_id for w in wallets)
    items = [
        {
            "wallet": w,
            "balance": amounts.get(w.account_id, (0, 0))[0],
            "held": amounts.get(w.account_id, (0, 0))[1],
            "rules": rules_text(w),
        }
        for w in wallets
    ]
    return render(request, "ledger/wallet_list.html", {"items": items})


@citizen_required
def wallet_detail(request, pk):
    wallet = own_wallet(request, pk)
    with tenant_scope(own_issuers(request)[1]):
        context = _movements(request, wallet.account)
    balance, held = spendable([wallet.account_id])[wallet.account_id]
    context.update(
        {"wallet": wallet, "balance": balance, "held": held, "rules": rules_text(wallet)}
    )
    return render(request, "ledger/wallet_detail.html", context)


@citizen_required
def wallet_csv(request, pk):
    wallet = own_wallet(request, pk)
    with tenant_scope(own_issuers(request)[1]):
        return _csv_response(request, wallet.account, f"buono-{wallet.pk}")


# --- Municipality staff ------------------------------------------------------------------------


@staff_permission("funds.view")
def fund_list(request):
    fund_rows = list(Fund.objects.select_related("organization").order_by("name"))
    balances = fund_services.funds_overview(request.actor.tenant_ids)
    items = [{"fund": f, "balance": balances.get(f.pk, 0)} for f in fund_rows]
    return render(
        request,
        "ledger/fund_list.html",
        {"items": items, "can_manage": request.actor.has_perm("funds.manage")},
    )


@staff_permission("funds.view")
def fund_detail(request, pk):
    fund = get_object_or_404(Fund.objects.select_related("organization", "account"), pk=pk)
    context = _movements(request, fund.account)
    context.update(
        {
            "fund": fund,
            "summary": fund_services.fund_summary(fund),
            "can_manage": request.actor.has_perm("funds.manage", fund.organization_id),
        }
    )
    return render(request, "ledger/fund_detail.html", context)


@staff_permission("funds.view")
def fund_csv(request, pk):
    fund = get_object_or_404(Fund.objects.select_related("account"), pk=pk)
    return _csv_response(request, fund.account, f"fondo-{fund.pk}")


@staff_permission("funds.manage")
def fund_create(request):
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = get_object_or_404(Organization, pk=request.actor.organization.pk)
        try:
            fund = fund_services.create_fund(
                request.actor, organization=organization, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Fondo creato."))
            return redirect("ledger:fund_detail", pk=fund.pk)
    return render(request, "ledger/fund_form.html", {"form": form})


@staff_permission("funds.manage")
def contribution_create(request, pk):
    fund = get_object_or_404(Fund.objects.select_related("account"), pk=pk)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fund_services.add_contribution(
                request.actor,
                fund,
                contributor=data["contributor"],
                amount=data["amount"],
                idempotency_key=data["idempotency_key"],
                memo=data["memo"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Contributo registrato."))
            return redirect("ledger:fund_detail", pk=fund.pk)
    return render(request, "ledger/contribution_form.html", {"form": form, "fund": fund})
