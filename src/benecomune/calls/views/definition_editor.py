"""The call editor's sections, its summary of the saved draft, and the automatic save of a
draft while staff fill the form. Thin: the save goes through calls.services.call_autosave."""

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from benecomune.calls.describe import describe_call
from benecomune.calls.exceptions import CallError
from benecomune.calls.forms.definition import CallEditor
from benecomune.calls.models import Call
from benecomune.calls.services.call_autosave import autosave_call
from benecomune.core.models import MerchantCategory
from benecomune.core.views.decorators import staff_permission

# (key, title): the numbered sections of the form, in order; "shares" only for a network.
SECTIONS = [
    ("general", gettext_lazy("Dati generali")),
    ("budget", gettext_lazy("Date e budget")),
    ("eligibility", gettext_lazy("Chi può partecipare")),
    ("amount", gettext_lazy("Quanto spetta")),
    ("scoring", gettext_lazy("Punteggio e parità")),
    ("attachments", gettext_lazy("Dichiarazioni e documenti")),
    ("shares", gettext_lazy("Comuni e quote")),
    ("summary", gettext_lazy("Riepilogo")),
]


def editor_sections(*, is_network: bool, has_summary: bool) -> dict[str, dict]:
    """{key: {"n", "id", "title"}} for the headings and the list of sections."""
    keys = [
        (key, title)
        for key, title in SECTIONS
        if (key != "shares" or is_network) and (key != "summary" or has_summary)
    ]
    return {
        key: {"n": n, "id": f"sec-{key}", "title": str(title)}
        for n, (key, title) in enumerate(keys, start=1)
    }


def draft_summary(call: Call) -> dict:
    """What the saved draft says, for the "Riepilogo" at the end of the editor."""
    labels = dict(MerchantCategory.choices)
    return {
        "call": call,
        "sections": describe_call(call),
        "categories": [str(labels.get(v, v)) for v in call.allowed_categories or []],
        "shares": list(call.shares.select_related("municipality").order_by("municipality__name")),
    }


def _answer(status: int, message: str, *, call=None, errors=()) -> JsonResponse:
    body = {"saved": status == 200, "message": message, "errors": list(errors)}
    if call is not None:
        body["summary"] = render_to_string(
            "calls/definition/_summary.html", {"summary": draft_summary(call)}
        )
    return JsonResponse(body, status=status)


@require_POST
@staff_permission("calls.manage")
def call_autosave(request, pk):
    """Save the editor's content into a draft. The draft changes only when the whole form is
    valid: otherwise the errors come back and the stored draft stays as it was."""
    # The scoped manager: another Comune's call is simply not found (404).
    call = get_object_or_404(Call.objects.select_related("organization"), pk=pk)
    if call.is_frozen:
        return _answer(
            409, _("Il bando è pubblicato: le modifiche non vengono salvate automaticamente.")
        )
    editor = CallEditor(request.POST, owner=call.organization, call=call)
    if editor.is_valid():
        shares = editor.share_list() if editor.shares is not None else None
        try:
            call = autosave_call(request.actor, call, shares=shares, **editor.call_fields())
        except CallError as exc:
            return _answer(409, " ".join(exc.messages))
        except ValidationError as exc:
            editor.add_service_error(exc)
        else:
            at = timezone.localtime().strftime("%H:%M")
            return _answer(200, _("Bozza salvata alle %(time)s.") % {"time": at}, call=call)
    errors = [
        f"{item['label']}: {item['message']}" if item["label"] else str(item["message"])
        for item in editor.error_summary()
    ]
    return _answer(
        422,
        _("Bozza non salvata: %(errors)s") % {"errors": "; ".join(errors)},
        errors=errors,
    )
