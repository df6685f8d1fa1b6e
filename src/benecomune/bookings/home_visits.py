"""The address of a home visit: a service delivered at the citizen's home (marketplace
`Delivery.AT_HOME`, e.g. home care) is useless to the provider without where to go; any
other service never shows it.

The booking keeps a snapshot of the served person's registry address taken when it is made
(`Booking.visit_address`): the booking is an agreement about a time and a place, and the
provider plans the round from it. The registry may change afterwards (the person moved, the
desk corrected a typo): then both are shown, the booked one first and the registry's current
one after it, so staff call before going instead of choosing silently. A booking made before
the snapshot existed, or for a person without an address then, shows the registry's current
address. Who sees it is who sees the booking (the provider's staff): callers check that."""

from django.utils.translation import gettext as _

from benecomune.core.models import Person
from benecomune.marketplace.models import Delivery


def is_home_visit(service) -> bool:
    return service.delivery == Delivery.AT_HOME


def address_at_booking(service, person) -> str:
    """The snapshot to store on a new booking: the person's address, for a home visit only,
    read from the registry (not from the caller's copy of the person, which may predate a
    change made meanwhile)."""
    if not is_home_visit(service):
        return ""
    rows = Person.objects_unscoped.filter(pk=person.pk).values_list("address", flat=True)
    return (rows.first() or "").strip()


def visit_address(booking) -> str:
    """Where to go for this booking, in words; "" for a service not delivered at home (or
    nobody's address known)."""
    if not is_home_visit(booking.service):
        return ""
    booked, current = booking.visit_address, booking.person.address.strip()
    if not booked:
        return current
    if current and current != booked:
        return _("%(booked)s (in anagrafe ora: %(current)s)") % {
            "booked": booked,
            "current": current,
        }
    return booked
