"""The bookings' pages: "Prenota" on the public calendar's chosen slot, the booking page (for
whom, the checkout of a priced service, one booking on a double submission, the reason a time
cannot be booked), "Le mie prenotazioni" with the deadline and the receipt link, cancel and
reschedule, the provider's list and moves, the Comune's cancellation, and 404 for another
citizen's or another provider's booking."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from benecomune.bookings.models import Booking, BookingStatus, Order
from benecomune.bookings.slots import ROME
from benecomune.core.models import Membership, Role
from benecomune.core.scoping import all_tenants
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book, free_slots
from tests.bookings.test_orders_fixtures import available
from tests.helpers import login

pytestmark = pytest.mark.django_db
S = BookingStatus


def new_url(service, day, time):
    return reverse("bookings:booking_new", args=[service.pk]) + f"?giorno={day}&ora={time:%H:%M}"


def staff_login(client, actor, role=Role.PROVIDER_STAFF):
    membership = Membership.objects.get(user=actor.user, role=role)
    return login(client, actor.user, membership)


def test_the_calendar_offers_to_book_the_chosen_slot(client, free_service, seller, municipality):
    from tests.marketplace.test_search import publish_profile

    provider, owner, _service = seller
    publish_profile(owner, provider)
    day, time, _slot = free_slots(free_service)[0]
    url = reverse("bookings:slots", args=[municipality.slug, free_service.pk])
    html = client.get(url + f"?giorno={day}&ora={time:%H:%M}").content.decode()
    assert (
        'data-testid="book"' in html
        and reverse("bookings:booking_new", args=[free_service.pk]) in html
    )


def test_booking_a_free_service_for_a_household_member(client, buyer_user, free_service, family):
    day, time, slot = free_slots(free_service)[0]
    login(client, buyer_user)
    page = client.get(new_url(free_service, day, time))
    html = page.content.decode()
    assert page.status_code == 200 and family.full_name in html and 'name="key"' in html
    data = {"giorno": str(day), "ora": f"{time:%H:%M}", "key": "k1", "chi-person": str(family.pk)}
    response = client.post(reverse("bookings:booking_new", args=[free_service.pk]), data)
    booking = Booking.objects_unscoped.get()
    assert response.status_code == 302 and response.url == reverse(
        "bookings:my_booking", args=[booking.pk]
    )
    assert booking.person == family and booking.starts_at == slot.start
    # The same form again: the same booking.
    again = client.post(reverse("bookings:booking_new", args=[free_service.pk]), data)
    assert again.url == response.url and Booking.objects_unscoped.count() == 1


def test_booking_a_priced_service_through_the_checkout(client, buyer_user, priced, wallets):
    _provider, _owner, service = priced
    day, time, _slot = free_slots(service)[0]
    login(client, buyer_user)
    html = client.get(new_url(service, day, time)).content.decode()
    assert f'name="wallet_{wallets[0].pk}"' in html
    data = {
        "giorno": str(day),
        "ora": f"{time:%H:%M}",
        "key": "k2",
        "chi-person": "",
        f"wallet_{wallets[0].pk}": "20,00",
        f"wallet_{wallets[1].pk}": "10,00",
        "own_amount": "0",
        "own_money": "",
    }
    data["chi-person"] = str(buyer_user.person_id)
    response = client.post(reverse("bookings:booking_new", args=[service.pk]), data)
    assert response.status_code == 200 and "La ripartizione somma" in response.content.decode()
    assert not Booking.objects_unscoped.exists() and not Order.objects_unscoped.exists()
    data[f"wallet_{wallets[1].pk}"] = "15,00"
    data["own_amount"], data["own_money"] = "15,00", "at_provider"
    response = client.post(reverse("bookings:booking_new", args=[service.pk]), data)
    booking = Booking.objects_unscoped.get()
    assert response.status_code == 302 and booking.order.amount == 5_000
    assert available(wallets[0]) == 0
    detail = client.get(reverse("bookings:my_booking", args=[booking.pk])).content.decode()
    assert (
        'data-testid="receipt"' in detail
        and reverse("bookings:my_order", args=[booking.order_id]) in detail
    )


def test_a_time_in_the_gap_is_explained(client, buyer_user, free_service):
    login(client, buyer_user)
    url = new_url(free_service, datetime.date(2027, 3, 28), datetime.time(2, 30))
    html = client.get(url).content.decode()
    assert 'data-testid="booking-error"' in html and "non esiste" in html
    assert 'data-testid="confirm"' not in html


def test_my_bookings_cancel_and_reschedule(client, buyer_user, citizen, buyer, free_service):
    booking = book(citizen, free_service, buyer)
    login(client, buyer_user)
    html = client.get(reverse("bookings:my_bookings")).content.decode()
    assert 'data-testid="upcoming"' in html and booking.title in html
    detail = client.get(reverse("bookings:my_booking", args=[booking.pk])).content.decode()
    assert 'data-testid="deadline"' in detail and 'data-testid="reschedule"' in detail
    day, time, slot = free_slots(free_service, 3)[2]
    client.post(
        reverse("bookings:my_booking_reschedule", args=[booking.pk]),
        {"day": str(day), "time": f"{time:%H:%M}"},
    )
    booking.refresh_from_db()
    assert booking.starts_at == slot.start
    # The booking's cancel button asks first: one tap (the old form's POST) cancels nothing.
    cancel = reverse("bookings:my_booking_cancel", args=[booking.pk])
    detail = client.get(reverse("bookings:my_booking", args=[booking.pk])).content.decode()
    assert f'href="{cancel}" data-testid="cancel"' in detail
    for tap in (client.get(cancel), client.post(cancel)):
        page = tap.content.decode()
        assert tap.status_code == 200 and "Vuole annullare la prenotazione?" in page
        assert booking.title in page and f"{booking.ends_at.astimezone(ROME):%H:%M}" in page
        assert "Annullare non costa nulla." in page and "Sì, annulla la prenotazione" in page
        assert "No, torna indietro" in page
    booking.refresh_from_db()
    assert booking.status != S.CANCELLED
    client.post(cancel, {"conferma": "si"})
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    html = client.get(reverse("bookings:my_bookings")).content.decode()
    assert 'data-testid="past"' in html
    # Cancelled: the confirmation page is not offered again.
    assert client.get(cancel)["Location"] == reverse("bookings:my_booking", args=[booking.pk])


def test_another_citizen_gets_404(
    client, citizen, buyer, free_service, make_person, make_user, municipality
):
    booking = book(citizen, free_service, buyer)
    other = make_user("anna@example.org", person=make_person(municipality, first_name="Anna"))
    login(client, other)
    for name in ("my_booking",):
        assert client.get(reverse(f"bookings:{name}", args=[booking.pk])).status_code == 404
    for name in ("my_booking_cancel", "my_booking_reschedule"):
        assert client.post(reverse(f"bookings:{name}", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_provider_list_and_moves(client, citizen, buyer, priced, wallets):
    _provider, owner, service = priced
    booking = book(
        citizen,
        service,
        buyer,
        split={wallets[0].pk: 2_000, wallets[1].pk: 1_500},
        own_amount=1_500,
        own_money="at_provider",
    )
    staff_login(client, owner)
    html = client.get(reverse("bookings:provider_bookings")).content.decode()
    assert booking.number in html
    csv = client.get(reverse("bookings:provider_bookings") + "?formato=csv")
    assert csv.status_code == 200 and booking.number in csv.content.decode()
    detail = client.get(reverse("bookings:provider_booking", args=[booking.pk])).content.decode()
    assert "Svolta" in detail and "Annulla la prenotazione" in detail
    # Not started yet: the page says why and changes nothing.
    move = reverse("bookings:provider_booking_move", args=[booking.pk, "svolta"])
    client.post(move)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    client.post(
        reverse("bookings:provider_booking_move", args=[booking.pk, "annulla"]),
        {"reason": "Sede chiusa"},
    )
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED and booking.cancel_reason == "Sede chiusa"
    assert available(wallets[0]) == 2_000


def test_another_providers_staff_gets_404(client, citizen, buyer, free_service, make_provider):
    booking = book(citizen, free_service, buyer)
    _other, stranger = make_provider()
    staff_login(client, stranger)
    assert client.get(reverse("bookings:provider_booking", args=[booking.pk])).status_code == 404
    url = reverse("bookings:provider_booking_move", args=[booking.pk, "annulla"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert booking.number not in client.get(reverse("bookings:provider_bookings")).content.decode()


def test_the_comune_cancels_a_residents_booking(client, citizen, buyer, free_service, comune):
    booking = book(citizen, free_service, buyer)
    staff_login(client, comune, Role.MUNICIPALITY_ADMIN)
    html = client.get(reverse("bookings:comune_bookings")).content.decode()
    assert booking.title in html
    client.post(
        reverse("bookings:comune_booking_cancel", args=[booking.pk]), {"reason": "Allerta meteo"}
    )
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED and booking.cancelled_by == "comune"


def test_the_schedule_form_saves_the_booking_policy(client, priced):
    _provider, owner, service = priced
    with all_tenants():
        from benecomune.bookings.services import agenda_reads

        schedule = agenda_reads.schedule_of(service)
        resource_ids = [str(r.pk) for r in schedule.resources.all()]
    staff_login(client, owner)
    data = {
        "duration_minutes": "60",
        "capacity": "1",
        "step_minutes": "60",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "0",
        "min_notice_hours": "24",
        "window_days": "90",
        "needs_review": "on",
        "cancellation_deadline_hours": "48",
        "late_policy": "full_price",
        "resources": resource_ids,
    }
    response = client.post(reverse("bookings:schedule", args=[service.pk]), data)
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.needs_review and schedule.cancellation_deadline_hours == 48
    assert schedule.late_policy == "full_price"


def test_booking_a_series_from_its_page(client, buyer_user, free_service, seller):
    from benecomune.bookings.services import agenda_schedule

    _provider, owner, _service = seller
    first = timezone.localdate() + datetime.timedelta(days=10)
    with all_tenants():
        series = agenda_schedule.create_series(
            owner,
            free_service,
            title="Laboratorio di lettura",
            first_day=first,
            weekdays=[first.weekday()],
            weeks=3,
            starts_at=datetime.time(17),
            ends_at=datetime.time(18),
            capacity=2,
            resource=None,
        )
    login(client, buyer_user)
    url = reverse("bookings:booking_new", args=[free_service.pk])
    html = client.get(url + f"?serie={series.pk}").content.decode()
    assert "Laboratorio di lettura" in html and 'data-testid="confirm"' in html
    data = {"serie": str(series.pk), "key": "s1", "chi-person": str(buyer_user.person_id)}
    assert client.post(url, data).status_code == 302
    booking = Booking.objects_unscoped.get()
    assert booking.series == series
    page = client.get(reverse("bookings:my_booking", args=[booking.pk])).content.decode()
    assert 'data-testid="reschedule"' not in page and 'data-testid="cancel"' in page
    assert "Le mie prenotazioni" in client.get(reverse("bookings:my_bookings")).content.decode()


def test_the_desk_books_and_cancels_for_a_resident(client, desk, buyer, free_service, seller):
    from tests.marketplace.test_search import publish_profile

    provider, owner, _service = seller
    publish_profile(owner, provider)
    staff_login(client, desk, Role.DESK_OPERATOR)
    listing = reverse("bookings:desk_bookings", args=[buyer.pk])
    html = client.get(listing).content.decode()
    assert 'data-testid="desk-new"' in html and free_service.title in html
    new = reverse("bookings:desk_booking_new", args=[buyer.pk, free_service.pk])
    assert client.get(listing + f"?servizio={free_service.pk}").url == new
    page = client.get(new).content.decode()
    assert 'data-testid="proposals"' in page and "per conto di" in page
    day, time, slot = free_slots(free_service)[0]
    page = client.get(new + f"?giorno={day}&ora={time:%H:%M}").content.decode()
    assert 'name="chi-consent_note"' in page and 'data-testid="confirm"' in page
    data = {"giorno": str(day), "ora": f"{time:%H:%M}", "key": "d1", "chi-person": str(buyer.pk)}
    response = client.post(new, data)  # no consent: refused, nothing made
    assert response.status_code == 200 and not Booking.objects_unscoped.exists()
    response = client.post(new, {**data, "chi-consent_note": "di persona, con documento"})
    assert response.status_code == 302 and response.url == listing
    booking = Booking.objects_unscoped.get()
    assert booking.on_behalf and booking.booker == buyer and booking.starts_at == slot.start
    cancel = reverse("bookings:desk_booking_cancel", args=[buyer.pk, booking.pk])
    client.post(cancel, {"consent_note": ""})
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED
    client.post(cancel, {"consent_note": "al telefono"})
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED


def test_another_comunes_desk_gets_404(client, make_actor, other_municipality, buyer, free_service):
    stranger = make_actor("altro@example.org", Role.DESK_OPERATOR, other_municipality)
    staff_login(client, stranger, Role.DESK_OPERATOR)
    assert client.get(reverse("bookings:desk_bookings", args=[buyer.pk])).status_code == 404
    url = reverse("bookings:desk_booking_new", args=[buyer.pk, free_service.pk])
    assert client.get(url).status_code == 404
