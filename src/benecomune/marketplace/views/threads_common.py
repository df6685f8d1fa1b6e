"""What every thread page shares: the messages with their attachments (as the reader may
fetch them), the reply and close forms, the services' errors on the form."""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from benecomune.core.files import CITIZEN, STAFF, file_url
from benecomune.core.forms_helpers import add_errors
from benecomune.marketplace.models import Side
from benecomune.marketplace.services import threads as services
from benecomune.marketplace.subjects import subject_of
from benecomune.marketplace.thread_queries import message_rows

ATTACHMENT_KIND = "marketplace-message"


def _links(audience: str | None):
    """Where the reader fetches an attachment; None (listed without a link) for the desk."""
    if audience is None:
        return None
    return lambda attachment: file_url(ATTACHMENT_KIND, attachment.pk, audience)


def thread_context(thread, reader_side: str, audience: str | None, form=None) -> dict:
    read_upto = (
        thread.citizen_read_upto if reader_side == Side.CITIZEN else thread.provider_read_upto
    )
    return {
        "thread": thread,
        "rows": message_rows(thread, reader_side, read_upto, _links(audience)),
        "subject_link": subject_of(thread),
        "form": form,
        "reader_side": reader_side,
    }


def reply(request, actor, thread, form, redirect_to, **extra):
    """POST of a reply form: the message through the service, or the form with its errors."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        services.post_message(
            actor,
            thread,
            text=data["text"],
            files=data.get("files") or [],
            base_url=request.build_absolute_uri("/"),
            **extra,
        )
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    flash.success(request, _("Messaggio inviato."))
    return redirect(redirect_to)


def change_status(request, actor, thread, redirect_to, **extra):
    """POST `azione=chiudi|riapri`."""
    action = request.POST.get("azione")
    change = services.close_thread if action == "chiudi" else services.reopen_thread
    try:
        change(actor, thread, **extra)
    except ValidationError as exc:
        for message in exc.messages:
            flash.error(request, message)
    else:
        flash.success(
            request,
            _("Conversazione chiusa.") if action == "chiudi" else _("Conversazione riaperta."),
        )
    return redirect(redirect_to)


def report(request, actor, message, form, redirect_to):
    if not form.is_valid():
        return None
    try:
        services.report_abuse(actor, message, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        add_errors(form, exc)
        return None
    flash.success(
        request, _("Segnalazione inviata: gli amministratori della rete la esamineranno.")
    )
    return redirect(redirect_to)


__all__ = ["CITIZEN", "STAFF", "change_status", "message_rows", "reply", "report"]
