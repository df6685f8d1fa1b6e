"""Acting for a citizen: a staff role (the desk) doing what the citizen would do in their own
area, with their consent. Every app's services use these to tell the two apart and to write,
in the audit event, for whom the desk acted and how the consent was given."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.models import Person

CONSENT_MAX = 200


def is_assisting(actor: Actor) -> bool:
    """A staff role acting for a citizen (not the citizen, not a system job)."""
    return not actor.system and actor.membership is not None


def on_behalf_reason(actor: Actor, person: Person, consent: str = "") -> str:
    """The audit reason of an assisted action: for whom, and the consent when given now."""
    if not is_assisting(actor):
        return ""
    reason = _("Allo sportello, per conto di %(name)s (%(code)s)") % {
        "name": person.full_name,
        "code": person.fiscal_code,
    }
    if consent:
        reason += " — " + _("consenso: %(how)s") % {"how": consent}
    return reason


def require_consent(consent: str, field: str = "consent_note") -> str:
    """The desk says how the citizen consented (in person with an ID, a signed delegation)."""
    consent = " ".join((consent or "").split())[:CONSENT_MAX]
    if not consent:
        raise ValidationError(
            {
                field: _(
                    "Indichi come il cittadino ha dato il consenso a farsi assistere "
                    "(per esempio: di persona, con documento d'identità)."
                )
            }
        )
    return consent
