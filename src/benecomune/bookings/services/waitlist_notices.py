"""What the waiting list tells the citizen who joined it (core notifications, written in the
caller's transaction and sent after commit): the entry made (inbox), a place offered and held
until a given time (inbox + e-mail), the offer lapsed (inbox)."""

from django.urls import reverse
from django.utils.formats import date_format

from benecomune.bookings.models import WaitlistEntry
from benecomune.bookings.slots import ROME
from benecomune.core.dates import with_article
from benecomune.core.notifications import EMAIL, INAPP, notify


def _context(entry: WaitlistEntry) -> dict:
    expires = entry.offer_expires_at
    return {
        "number": entry.number,
        "title": entry.title,
        "when": date_format(entry.starts_at.astimezone(ROME), "l j F Y, H:i"),
        "until": date_format(expires.astimezone(ROME), "j F Y, H:i") if expires else "",
        # With the article, elided: "entro l'8 dicembre", "fino all'8 dicembre".
        "until_il": with_article(expires, "il", "j F Y, H:i"),
        "until_al": with_article(expires, "al", "j F Y, H:i"),
        "person": entry.person.full_name if entry.person_id != entry.booker_id else "",
    }


def _tell(entry: WaitlistEntry, key: str, channels) -> None:
    notify(
        entry.booker,
        key,
        _context(entry),
        organization=entry.provider,
        channels=channels,
        link=reverse("bookings:my_waitlist_entry", args=[entry.pk]),
    )


def joined(entry: WaitlistEntry) -> None:
    _tell(entry, "bookings_waitlist_joined", (INAPP,))


def offered(entry: WaitlistEntry) -> None:
    _tell(entry, "bookings_waitlist_offered", (INAPP, EMAIL))


def lapsed(entry: WaitlistEntry) -> None:
    _tell(entry, "bookings_waitlist_lapsed", (INAPP,))
