"""Core's own entries that come and go with a permission: the outbox of e-mails (loaded by
CoreConfig.ready()). The fixed entries of each role are in core/context_processors.py."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from benecomune.core.actors import ROLE_PERMISSIONS
from benecomune.core.context_processors import register_nav
from benecomune.core.services import outbox
from benecomune.core.views.home import register_home_card


def outbox_card(request):
    actor = getattr(request, "actor", None)
    if actor is None or not actor.has_perm(outbox.PERMISSION):
        return None
    failed = outbox.failed_count(actor)
    text = (
        ngettext(
            "Un'e-mail non è partita: la controlli e la invii di nuovo.",
            "%(count)s e-mail non sono partite: le controlli e le invii di nuovo.",
            failed,
        )
        % {"count": failed}
        if failed
        else _("Tutte le e-mail sono partite.")
    )
    return {
        "title": _("E-mail non inviate"),
        "value": failed,
        "text": text,
        "url": reverse("core:outbox"),
        "link_label": _("Vedi le e-mail in uscita"),
    }


# Every role whose permissions include the outbox's, so the entry follows the permission.
for _role, _permissions in ROLE_PERMISSIONS.items():
    if outbox.PERMISSION in _permissions:
        register_nav(_role, gettext_lazy("E-mail in uscita"), "core:outbox")
        register_home_card(_role, outbox_card)
