"""Navigation, home cards and audit labels of the applications area (imported by
CallsConfig.ready())."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benecomune.core.audit import register_actions
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.home import register_home_card


def citizen_applications_card(request):
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        return None
    from benecomune.calls.models import Application, ApplicationStatus

    # The citizen's own applications, whichever Comune instructs them.
    statuses = list(
        Application.objects_unscoped.filter(applicant_id=person_id).values_list("status", flat=True)
    )
    if not statuses:
        return None
    waiting = statuses.count(ApplicationStatus.CLARIFICATION)
    drafts = statuses.count(ApplicationStatus.DRAFT)
    if waiting:
        text = ngettext(
            "Il Comune le chiede un'integrazione per una domanda: risponda entro la scadenza.",
            "Il Comune le chiede un'integrazione per %(n)s domande: risponda entro la scadenza.",
            waiting,
        ) % {"n": waiting}
    elif drafts:
        text = ngettext(
            "Una domanda è ancora in bozza: la completi e la invii.",
            "%(n)s domande sono ancora in bozza: le completi e le invii.",
            drafts,
        ) % {"n": drafts}
    else:
        text = ngettext("Una domanda presentata.", "%(n)s domande presentate.", len(statuses)) % {
            "n": len(statuses)
        }
    return {
        "title": _("Le mie domande"),
        "value": len(statuses),
        "text": text,
        "url": reverse("calls:my_applications"),
        "link_label": _("Vedi le domande"),
    }


def desk_applications_card(request):
    actor = request.actor
    if actor is None or not actor.has_perm("desk.assist"):
        return None
    from benecomune.calls.models import Application, ApplicationStatus

    count = Application.objects_unscoped.filter(
        organization_id__in=actor.tenant_ids,
        assisted_by__isnull=False,
        status__in=[ApplicationStatus.DRAFT, ApplicationStatus.CLARIFICATION],
    ).count()
    return {
        "title": _("Domande allo sportello"),
        "value": count,
        "text": _("Domande assistite in compilazione o in attesa di integrazione.")
        if count
        else _("Cerchi una persona e compili con lei la domanda a un bando aperto."),
        "url": reverse("calls:desk_home"),
        "link_label": _("Apri lo sportello domande"),
    }


register_nav("citizen", gettext_lazy("Le mie domande"), "calls:my_applications")
register_nav(Role.DESK_OPERATOR, gettext_lazy("Domande allo sportello"), "calls:desk_home")
register_home_card("citizen", citizen_applications_card)
register_home_card(Role.DESK_OPERATOR, desk_applications_card)

register_actions(
    {
        "calls.application_started": gettext_lazy("Domanda avviata"),
        "calls.application_consent": gettext_lazy(
            "Consenso del cittadino alla compilazione assistita"
        ),
        "calls.application_draft_saved": gettext_lazy("Bozza della domanda salvata"),
        "calls.application_household_refreshed": gettext_lazy(
            "Nucleo della domanda aggiornato dall'anagrafe"
        ),
        "calls.document_added": gettext_lazy("Documento allegato"),
        "calls.document_removed": gettext_lazy("Documento tolto"),
        "calls.application_submitted": gettext_lazy("Domanda presentata"),
        "calls.clarification_answered": gettext_lazy("Integrazione inviata dal richiedente"),
        "calls.application_withdrawn": gettext_lazy("Domanda ritirata"),
    }
)
