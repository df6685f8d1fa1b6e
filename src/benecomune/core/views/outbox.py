"""The staff page of the e-mail outbox: what did not leave, its error, send again or stop it.
Rules and visibility are in core/services/outbox.py; these views only show and forward."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from benecomune.core.date_range import check_date_range, date_input
from benecomune.core.forms_helpers import querystring as encode_querystring
from benecomune.core.lists import filter_form, filtered, paged
from benecomune.core.models import Person
from benecomune.core.models.notifications import OutboxStatus
from benecomune.core.services import outbox
from benecomune.core.views.decorators import staff_permission

PER_PAGE = 30


class OutboxFilterForm(forms.Form):
    stato = forms.ChoiceField(
        label=gettext_lazy("Stato"),
        required=False,
        choices=[
            (outbox.TO_CHECK, gettext_lazy("Da controllare")),
            *OutboxStatus.choices,
            (outbox.ALL, gettext_lazy("Tutte")),
        ],
    )
    destinatario = forms.CharField(
        label=gettext_lazy("Destinatario (anche in parte)"), required=False, max_length=254
    )
    dal = date_input(gettext_lazy("Dal"))
    al = date_input(gettext_lazy("Al"))

    def clean(self):
        data = super().clean()
        check_date_range(data, "dal", "al")
        return data


def _outbox_filter(data: dict) -> outbox.OutboxFilter:
    """The service's filter from the form's cleaned data (an empty status: all of them)."""
    return outbox.OutboxFilter(
        status=data.get("stato") or outbox.ALL,
        recipient=data.get("destinatario") or "",
        since=data.get("dal"),
        until=data.get("al"),
    )


def _apply(rows, data):
    return outbox.filter_messages(rows, _outbox_filter(data))


@staff_permission(outbox.PERMISSION)
def outbox_list(request):
    form = filter_form(request, OutboxFilterForm, initial={"stato": outbox.TO_CHECK})
    rows = filtered(form, outbox.visible_messages(request.actor), _apply)
    listing = paged(request, rows.order_by("-created_at"), per_page=PER_PAGE, form=form)
    context = listing.context()
    context["failed_shown"] = form.is_valid() and rows.filter(status=OutboxStatus.FAILED).exists()
    return render(request, "core/outbox/list.html", context)


@staff_permission(outbox.PERMISSION)
def outbox_detail(request, pk):
    message = get_object_or_404(
        outbox.visible_messages(request.actor).select_related("organization"), pk=pk
    )
    # The person link only for who may open the person's page (their Comune, people.view).
    person = None
    if message.person_id and request.actor.has_perm("people.view"):
        person = Person.objects.filter(pk=message.person_id).first()
    return render(
        request,
        "core/outbox/detail.html",
        {
            "message": message,
            "person": person,
            "can_resend": message.status in outbox.RESENDABLE,
            "can_cancel": message.status in outbox.CANCELLABLE,
        },
    )


def _act(request, pk, action, success: str):
    """Run a service on one message; its Italian refusal or `success` as a message, then the
    message's page (or the list, when it is not one the actor sees)."""
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    if outbox.visible_messages(request.actor).filter(pk=pk).exists():
        return redirect("core:outbox_detail", pk=pk)
    return redirect("core:outbox")


@staff_permission(outbox.PERMISSION)
@require_POST
def outbox_resend(request, pk):
    return _act(
        request,
        pk,
        lambda: outbox.resend(request.actor, pk),
        _("L'e-mail è di nuovo in invio."),
    )


@staff_permission(outbox.PERMISSION)
@require_POST
def outbox_cancel(request, pk):
    reason = request.POST.get("reason", "")
    return _act(
        request,
        pk,
        lambda: outbox.cancel(request.actor, pk, reason=reason),
        _("Invio annullato: questa e-mail non partirà."),
    )


@staff_permission(outbox.PERMISSION)
@require_POST
def outbox_resend_failed(request):
    """Every failed message the list's filters show (the filters come back as hidden fields)."""
    form = OutboxFilterForm(request.POST)
    back = reverse("core:outbox")
    if not form.is_valid():
        messages.error(request, _("I filtri non sono validi: nessuna e-mail è stata rispedita."))
        return redirect(back)
    back += "?" + encode_querystring(request.POST, "csrfmiddlewaretoken")
    try:
        count, left = outbox.resend_failed(request.actor, _outbox_filter(form.cleaned_data))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    text = ngettext(
        "%(count)s e-mail di nuovo in invio.", "%(count)s e-mail di nuovo in invio.", count
    ) % {"count": count}
    if left:
        text += " " + _("Altre ne restano: ripeta l'operazione per inviarle.")
    messages.success(request, text)
    return redirect(back)
