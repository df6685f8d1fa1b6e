"""The desk operators' home cards: their open cases and the reviews due."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.desk.access import visible_cases
from benecomune.desk.models import CaseStatus


def my_cases_card(request):
    cases = (
        visible_cases(request.actor)
        .filter(assigned_to=request.user)
        .exclude(status=CaseStatus.CLOSED)
    )
    count = cases.count()
    if not count:
        return None
    return {
        "title": _("Casi che segue"),
        "value": count,
        "url": reverse("desk:worklist"),
        "link_label": _("Lista di lavoro"),
    }


def reviews_card(request):
    count = (
        visible_cases(request.actor)
        .filter(assigned_to=request.user, next_review_on__lte=timezone.localdate())
        .exclude(status=CaseStatus.CLOSED)
        .count()
    )
    if not count:
        return None
    return {
        "title": _("Verifiche da fare"),
        "value": count,
        "text": ngettext("%(n)s caso da rivedere", "%(n)s casi da rivedere", count) % {"n": count},
        "url": reverse("desk:worklist") + "?verifiche=1",
        "link_label": _("Vedi le verifiche"),
    }
