"""What a thread may be about, registered by the app that owns it: the catalogue registers
"marketplace.service", bookings "bookings.booking", orders "orders.order".

    register_thread_subject("marketplace.service", resolve_service)

A resolver gets (about_id, person) and returns a `ThreadSubject` (title, URL, and the
provider it belongs to, when it belongs to one) or None when the person may not see it. A type
with no resolver is refused: a thread is never about something nobody can check.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ThreadSubject:
    title: str
    url: str = ""
    # The provider the subject belongs to; a thread about it must be with that provider.
    provider_id: int | None = None


Resolver = Callable[[int, object], ThreadSubject | None]
SUBJECT_RESOLVERS: dict[str, Resolver] = {}


def register_thread_subject(about_type: str, resolver: Resolver) -> None:
    SUBJECT_RESOLVERS[about_type] = resolver


def parse_about(value: str) -> tuple[str, int | None]:
    """ "marketplace.service:12" -> ("marketplace.service", 12); "" -> ("", None)."""
    value = (value or "").strip()
    if not value:
        return "", None
    about_type, _sep, about_id = value.rpartition(":")
    if not about_type or not about_id.isdigit():
        raise ValidationError(_("Il riferimento dell'argomento della conversazione non è valido."))
    return about_type, int(about_id)


def resolve_subject(about_type: str, about_id: int | None, person, provider) -> ThreadSubject:
    """The subject the person may see, with `provider`; ValidationError (Italian) otherwise."""
    resolver = SUBJECT_RESOLVERS.get(about_type)
    if resolver is None or about_id is None:
        raise ValidationError(
            _("Non è possibile scrivere al fornitore a proposito di questo argomento.")
        )
    subject = resolver(about_id, person)
    if subject is None or (subject.provider_id is not None and subject.provider_id != provider.pk):
        raise ValidationError(_("L'argomento indicato non esiste o non è di questo fornitore."))
    return subject


def subject_of(thread) -> ThreadSubject | None:
    """The subject of an existing thread for its citizen (None: gone, or none)."""
    resolver = SUBJECT_RESOLVERS.get(thread.about_type)
    if resolver is None or thread.about_id is None:
        return None
    return resolver(thread.about_id, thread.person)
