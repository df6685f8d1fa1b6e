"""Navigation, home cards, audit labels and the background job of the review area (imported by
CallsConfig.ready)."""

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benecomune.calls import jobs_review  # noqa: F401  (registers the bulk decision job)
from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.home import register_home_card


def _counts(request):
    from benecomune.calls.models import (
        Application,
        ApplicationStatus,
        ClarificationRequest,
        ClarificationStatus,
    )
    from benecomune.core.scoping import tenant_scope

    with tenant_scope(request.actor.tenant_ids):
        counts = Application.objects.aggregate(
            submitted=Count("pk", filter=Q(status=ApplicationStatus.SUBMITTED)),
            clarification=Count("pk", filter=Q(status=ApplicationStatus.CLARIFICATION)),
            instructed=Count("pk", filter=Q(status=ApplicationStatus.INSTRUCTED)),
            mismatch=Count(
                "pk",
                filter=Q(status=ApplicationStatus.SUBMITTED, checks_mismatch=True),
            ),
        )
        counts["next_due"] = ClarificationRequest.objects.filter(
            status=ClarificationStatus.OPEN,
            application__organization_id__in=request.actor.tenant_ids,
        ).aggregate(first=Min("due_date"))["first"]
    return counts


def desk_card(request):
    actor = request.actor
    if actor is None or not actor.has_perm("applications.instruct"):
        return None
    counts = _counts(request)
    if not (counts["submitted"] or counts["clarification"]):
        return None
    parts = []
    if counts["mismatch"]:
        parts.append(
            ngettext(
                "%(n)s con difformità nelle verifiche",
                "%(n)s con difformità nelle verifiche",
                counts["mismatch"],
            )
            % {"n": counts["mismatch"]}
        )
    if counts["clarification"]:
        waiting = ngettext(
            "%(n)s integrazione attesa", "%(n)s integrazioni attese", counts["clarification"]
        ) % {"n": counts["clarification"]}
        if counts["next_due"]:
            due = counts["next_due"]
            late = due < timezone.localdate()
            waiting += " " + (
                _("(una è scaduta il %(d)s)") if late else _("(prima scadenza %(d)s)")
            ) % {"d": date_format(due, "d/m/Y")}
        parts.append(waiting)
    text = " · ".join(parts) or _("Presentate, in attesa di istruttoria.")
    return {
        "title": _("Domande da istruire"),
        "value": counts["submitted"],
        "text": text,
        "url": reverse("calls:review_list") + "?status=submitted",
        "link_label": _("Apri le domande"),
    }


def validator_card(request):
    actor = request.actor
    if actor is None or not actor.has_perm("applications.decide"):
        return None
    counts = _counts(request)
    if not counts["instructed"]:
        return None
    return {
        "title": _("Domande da decidere"),
        "value": counts["instructed"],
        "text": ngettext(
            "%(n)s domanda istruita attende la decisione.",
            "%(n)s domande istruite attendono la decisione.",
            counts["instructed"],
        )
        % {"n": counts["instructed"]},
        "url": reverse("calls:review_list") + "?status=instructed",
        "link_label": _("Decidi"),
    }


for _role in (Role.DESK_OPERATOR, Role.VALIDATOR, Role.MUNICIPALITY_ADMIN):
    register_nav(_role, gettext_lazy("Domande"), "calls:review_list")
register_home_card(Role.DESK_OPERATOR, desk_card)
register_home_card(Role.VALIDATOR, validator_card)

register_actions(
    {
        "calls.checklist_saved": gettext_lazy("Lista di controllo dell'istruttoria salvata"),
        "calls.application_rechecked": gettext_lazy("Verifiche anagrafiche e ISEE ripetute"),
        "calls.clarification_requested": gettext_lazy(
            "Richiesta di integrazione (soccorso istruttorio)"
        ),
        "calls.clarification_expired": gettext_lazy(
            "Richiesta di integrazione scaduta senza risposta"
        ),
        "calls.instruction_completed": gettext_lazy("Istruttoria conclusa"),
        "calls.application_admitted": gettext_lazy("Domanda ammessa"),
        "calls.application_rejected": gettext_lazy("Domanda respinta"),
        "calls.bulk_decided": gettext_lazy("Decisione su più domande"),
        "calls.applications_exported": gettext_lazy("Elenco delle domande esportato"),
    }
)
