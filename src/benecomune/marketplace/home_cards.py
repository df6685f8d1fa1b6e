"""The provider staff's home card (see core.views.home.register_home_card): the two or three
most urgent things of the dashboard, linking to it."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.core.models import OrganizationKind
from benecomune.marketplace.services.common import PROVIDER_PERMISSIONS


def _item_text(item) -> str:
    if item["kind"] == "unread":
        n = item["count"]
        return ngettext(
            "%(n)s conversazione con messaggi da leggere",
            "%(n)s conversazioni con messaggi da leggere",
            n,
        ) % {"n": n}
    document = item["document"]
    if document.expired:
        return _("%(title)s scaduto il %(day)s") % {
            "title": document.title,
            "day": document.expires_on.strftime("%d/%m/%Y"),
        }
    if document.days_left == 0:
        return _("%(title)s scade oggi") % {"title": document.title}
    return ngettext(
        "%(title)s scade tra %(n)s giorno",
        "%(title)s scade tra %(n)s giorni",
        document.days_left,
    ) % {"title": document.title, "n": document.days_left}


def provider_dashboard(request):
    from benecomune.marketplace.services.dashboard import urgent_items

    actor = request.actor
    organization = actor.organization if actor else None
    if (
        organization is None
        or organization.kind != OrganizationKind.PROVIDER
        or not any(actor.has_perm(p, organization) for p in PROVIDER_PERMISSIONS)
    ):
        return None
    items = urgent_items(actor, organization)
    if items:
        text = _("Da vedere: %(items)s.") % {"items": "; ".join(_item_text(i) for i in items)}
    else:
        text = _("Nessun documento in scadenza e nessun messaggio da leggere.")
    return {
        "title": _("Cruscotto del fornitore"),
        "text": text,
        "url": reverse("marketplace:dashboard"),
        "link_label": _("Apri il cruscotto"),
    }
