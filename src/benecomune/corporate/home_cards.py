"""The HR home's cards: employees in service and the approved plans (none: no card, and the
home shows its empty state)."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.corporate.models import Employee, PlanStatus, PlanVersion


def employees_card(request):
    company = request.actor.organization
    count = (
        Employee.objects_unscoped.filter(company_id=company.pk)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=timezone.localdate()))
        .count()
    )
    if not count:
        return None
    return {
        "title": _("Dipendenti in servizio"),
        "value": count,
        "url": reverse("corporate:employees"),
        "link_label": _("Elenco dei dipendenti"),
    }


def plans_card(request):
    company = request.actor.organization
    versions = list(
        PlanVersion.objects_unscoped.filter(
            company_id=company.pk, status=PlanStatus.APPROVED
        ).select_related("plan")
    )
    if not versions:
        return None
    return {
        "title": _("Piani di welfare approvati"),
        "value": len(versions),
        "text": ", ".join(v.plan.name for v in versions),
        "url": reverse("corporate:plans"),
        "link_label": _("Piani di welfare"),
    }
