"""Navigation, home card and public-page section of the call definition area (imported by
CallsConfig.ready())."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.calls.views.public import public_section
from benecomune.core.context_processors import register_nav
from benecomune.core.models import Role
from benecomune.core.views.home import register_home_card
from benecomune.core.views.public import PUBLIC_SECTIONS


def calls_card(request):
    actor = request.actor
    if actor is None or not actor.has_perm("calls.manage"):
        return None
    from benecomune.calls.models import Call, CallStatus
    from benecomune.core.scoping import tenant_scope

    with tenant_scope(actor.tenant_ids):
        now = timezone.now()
        open_count = Call.objects.filter(
            status=CallStatus.PUBLISHED, opens_at__lte=now, closes_at__gt=now
        ).count()
        drafts = Call.objects.filter(status=CallStatus.DRAFT).count()
    if open_count or drafts:
        text = _("Aperti alle domande: %(open)s. In bozza: %(drafts)s.") % {
            "open": open_count,
            "drafts": drafts,
        }
    else:
        text = _("Nessun bando: definisca il primo, con le regole, il budget e le date.")
    return {
        "title": _("Bandi"),
        "text": text,
        "url": reverse("calls:call_list"),
        "link_label": _("Vedi i bandi"),
    }


for _role in (Role.MUNICIPALITY_ADMIN, Role.PLATFORM_ADMIN):
    register_nav(_role, gettext_lazy("Bandi"), "calls:call_list")
    register_home_card(_role, calls_card)

if public_section not in PUBLIC_SECTIONS:
    PUBLIC_SECTIONS.append(public_section)
