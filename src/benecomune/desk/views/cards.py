"""A Point's operator printing (or blocking) the voucher card of the person of one of their
cases: the vouchers' own desk page and forms, reached through the case (the Point's cases
only, else 404 audited). The vouchers service checks that a valid delegation to print
voucher cards covers it (core.on_behalf) and audits "by operator X for Y"."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core import on_behalf
from benecomune.desk import person_reads
from benecomune.desk.views.common import (
    delegation_or_message,
    operator_page,
    person_case_or_404,
)
from benecomune.ledger.models import Wallet
from benecomune.vouchers.views.citizen import pdf_response, slip_pin
from benecomune.vouchers.views.desk import (
    block_open_card,
    card_items,
    issue_from_form,
    issued_page,
)

_URLS = {
    "issue": "desk:case_card_issue",
    "block": "desk:case_card_block",
    "pdf": "desk:case_card_pdf",
}


def _wallet(case, wallet_pk) -> Wallet:
    return get_object_or_404(person_reads.case_person_wallets(case), pk=wallet_pk)


def _basis(request, case) -> str | None:
    return delegation_or_message(
        request,
        case.person,
        on_behalf.VOUCHER_CARDS,
        _(
            "Per stampare le tessere dei buoni per la persona serve una sua delega valida a "
            "questo Punto: la registri dalla scheda del caso (delega su carta con documento)."
        ),
    )


@operator_page
def case_cards(request, points, pk):
    case = person_case_or_404(request, pk)
    basis = _basis(request, case)
    if basis is None:
        return redirect("desk:case", pk=case.pk)
    items = card_items(
        list(person_reads.case_person_wallets(case)),
        lambda action, w: reverse(_URLS[action], args=[case.pk, w.pk]),
    )
    return render(
        request,
        "vouchers/desk/person.html",
        {
            "person": case.person,
            "items": items,
            "basis": basis,
            "crumb": (reverse("desk:case", args=[case.pk]), case.protocol),
        },
    )


@operator_page
@require_POST
def case_card_issue(request, points, pk, wallet_pk):
    case = person_case_or_404(request, pk)
    wallet = _wallet(case, wallet_pk)
    if issue_from_form(request, wallet) is not None:
        return redirect("desk:case_card_issued", pk=case.pk, wallet_pk=wallet.pk)
    return redirect("desk:case_cards", pk=case.pk)


@operator_page
def case_card_issued(request, points, pk, wallet_pk):
    case = person_case_or_404(request, pk)
    wallet = _wallet(case, wallet_pk)
    return issued_page(
        request,
        wallet,
        pdf_url=reverse("desk:case_card_pdf", args=[case.pk, wallet.pk]),
        back_url=reverse("desk:case_cards", args=[case.pk]),
    )


@operator_page
@require_POST
def case_card_block(request, points, pk, wallet_pk):
    case = person_case_or_404(request, pk)
    block_open_card(request, _wallet(case, wallet_pk))
    return redirect("desk:case_cards", pk=case.pk)


@operator_page
def case_card_pdf(request, points, pk, wallet_pk):
    case = person_case_or_404(request, pk)
    if _basis(request, case) is None:
        raise Http404
    wallet = _wallet(case, wallet_pk)
    current = person_reads.active_card(wallet)
    if current is None:
        raise Http404
    return pdf_response(wallet, current, pin=slip_pin(request, current))
