"""Pages that close a shared value agreement (services/shared_value.py has the rules): the
merchant refuses a proposal, the proposing Comune or network withdraws it, either side ends a
signed agreement early. Each page is for its side only: the agreement of anyone else, or a
side that may not do this, is a 404; a refusal of the service (wrong state, missing reason, a
last day in the past) is shown on the form, on the field it concerns."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.views.decorators import staff_permission
from benecomune.observatory.forms_shared_value import EndForm, RefuseForm, WithdrawForm
from benecomune.observatory.pdf_agreement import share_text, state_text
from benecomune.observatory.services import shared_value as sv

BACK = {"party": "observatory:sv_manage", "merchant": "observatory:sv_merchant"}


def _closing_page(request, pk, *, side, form_class, service, title, submit, done):
    agreement = sv.agreement_for(request.actor, pk, side=side) if request.actor else None
    if agreement is None:
        raise Http404
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            service(request.actor, agreement, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(BACK[side])
    agreement.shares = [share_text(agreement, getattr(agreement, f)) for f in sv.WALLET_FIELDS]
    return render(
        request,
        "observatory/shared_value/closing.html",
        {
            "title": title,
            "submit": submit,
            "form": form,
            "agreement": agreement,
            "state": state_text(agreement),
            "back": BACK[side],
        },
    )


def _page(side, permission, form_class, service, title, submit, done):
    @staff_permission(permission)
    def view(request, pk):
        return _closing_page(request, pk, side=side, form_class=form_class, service=service,
                             title=title, submit=submit, done=done)  # fmt: skip

    return view


ENDED = _("Accordo terminato: dopo l'ultimo giorno i pagamenti non danno più quote.")
END_TITLE, END_SUBMIT = _("Termina l'accordo in anticipo"), _("Termino l'accordo")

merchant_refuse = _page(
    "merchant", "merchant.view", RefuseForm, sv.refuse_agreement,
    _("Rifiuta la proposta di accordo"), _("Rifiuto la proposta"),
    _("Proposta rifiutata: il Comune o la rete vede il suo motivo."),
)  # fmt: skip
merchant_end = _page("merchant", "merchant.view", EndForm, sv.end_agreement, END_TITLE,
                     END_SUBMIT, ENDED)  # fmt: skip
agreement_withdraw = _page(
    "party", "funds.manage", WithdrawForm, sv.withdraw_agreement,
    _("Ritira la proposta di accordo"), _("Ritiro la proposta"),
    _("Proposta ritirata: le date dell'esercente sono di nuovo libere."),
)  # fmt: skip
agreement_end = _page("party", "funds.manage", EndForm, sv.end_agreement, END_TITLE,
                      END_SUBMIT, ENDED)  # fmt: skip
