""" "Aggiungi al calendario": the .ics of the citizen's own booking (another citizen's is a 404),
served through core's `file_response` (never cached, an attachment)."""

from django.http import Http404

from benecomune.bookings import booking_queries
from benecomune.bookings.models.bookings import ACTIVE_STATUSES
from benecomune.bookings.services import booking_calendar
from benecomune.core.calendar_files import served
from benecomune.core.files import file_response
from benecomune.core.views.decorators import citizen_required


@citizen_required
def my_booking_ics(request, pk):
    booking = booking_queries.booking_of_person(request.user.person_id, pk)
    if booking is None or booking.status not in ACTIVE_STATUSES:
        raise Http404
    content = booking_calendar.ics(booking)
    return file_response(served(booking_calendar.filename_of(booking), content))
