"""The waiting list's pages: a full slot's booking page offers the list; joining (citizen and
desk); "Le mie prenotazioni" with the position and then the offer; the entry's page: accept
(free and priced through the checkout), decline, leave; another citizen's entry is a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from benecomune.bookings.models import Booking, BookingStatus, WaitlistEntry
from benecomune.bookings.models import WaitlistStatus as W
from benecomune.bookings.services import booking_moves, waitlist_notices
from benecomune.bookings.slots import ROME
from benecomune.core.actors import Actor
from benecomune.core.models import Membership, Notification, Role
from benecomune.core.scoping import all_tenants
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book
from tests.bookings.test_orders_fixtures import available
from tests.bookings.waitlist_fixtures import *  # noqa: F403
from tests.bookings.waitlist_fixtures import CONSENT, one_seat
from tests.helpers import login

pytestmark = pytest.mark.django_db


def local(booking):
    at = booking.starts_at.astimezone(ROME)
    return str(at.date()), f"{at:%H:%M}"


@pytest.fixture
def other(make_person, make_user, municipality):
    """Another citizen, who holds the only seat of the turn."""
    person = make_person(municipality, first_name="Dario")
    return person, Actor(user=make_user("dario@example.org", person=person))


def _full(service, owner, other, **payment):
    one_seat(service, owner)
    person, actor = other
    return book(actor, service, person, **payment)


def _join(client, service, booking, person_pk, key="j1"):
    day, time = local(booking)
    return client.post(
        reverse("bookings:waitlist_join", args=[service.pk]),
        {"giorno": day, "ora": time, "key": key, "chi-person": str(person_pk)},
    )


def test_full_slot_page_offers_the_list_and_joining_works(
    client, buyer_user, buyer, free_service, seller, other
):
    _provider, owner, _service = seller
    held = _full(free_service, owner, other)
    login(client, buyer_user)
    day, time = local(held)
    page = client.get(
        reverse("bookings:booking_new", args=[free_service.pk]) + f"?giorno={day}&ora={time}"
    ).content.decode()
    assert 'data-testid="waitlist-join"' in page and 'data-testid="confirm"' not in page
    response = _join(client, free_service, held, buyer.pk)
    entry = WaitlistEntry.objects_unscoped.get()
    assert response.url == reverse("bookings:my_waitlist_entry", args=[entry.pk])
    assert _join(client, free_service, held, buyer.pk).url == response.url  # same form
    listing = client.get(reverse("bookings:my_bookings")).content.decode()
    assert 'data-testid="waitlist"' in listing and "Posizione in lista: 1" in listing
    detail = client.get(response.url).content.decode()
    assert 'data-testid="leave"' in detail
    client.post(reverse("bookings:my_waitlist_leave", args=[entry.pk]))
    assert WaitlistEntry.objects_unscoped.get().status == W.LEFT


def test_joining_a_slot_with_seats_is_refused_with_a_message(
    client, buyer_user, buyer, free_service, seller, other
):
    held = book(other[1], free_service, other[0])  # 3 seats: still free
    login(client, buyer_user)
    response = _join(client, free_service, held, buyer.pk)
    assert response.status_code == 302 and not WaitlistEntry.objects_unscoped.exists()
    page = client.get(response.url).content.decode()
    assert "ancora posti liberi" in page


def _offered(client, buyer_user, buyer, free_service, seller, other):
    """The buyer waits for a full slot, logged in; the slot's booking is cancelled: the place
    is offered to the buyer. Returns the held booking and the entry."""
    _provider, owner, _service = seller
    held = _full(free_service, owner, other)
    login(client, buyer_user)
    _join(client, free_service, held, buyer.pk)
    with all_tenants():
        booking_moves.cancel_by_citizen(other[1], held)
    return held, WaitlistEntry.objects_unscoped.get()


def test_offer_accepted_from_the_page(client, buyer_user, buyer, free_service, seller, other):
    held, entry = _offered(client, buyer_user, buyer, free_service, seller, other)
    listing = client.get(reverse("bookings:my_bookings")).content.decode()
    assert "Posto libero per lei" in listing and "Accetti entro " in listing
    url = reverse("bookings:my_waitlist_entry", args=[entry.pk])
    assert 'data-testid="accept"' in client.get(url).content.decode()
    response = client.post(url, {"key": "a1"})
    booking = Booking.objects_unscoped.get(person=buyer)
    assert response.url == reverse("bookings:my_booking", args=[booking.pk])
    assert booking.status == BookingStatus.CONFIRMED and booking.starts_at == held.starts_at


def test_offer_declined_from_the_page(client, buyer_user, buyer, free_service, seller, other):
    _provider, owner, _service = seller
    held = _full(free_service, owner, other)
    login(client, buyer_user)
    _join(client, free_service, held, buyer.pk)
    with all_tenants():
        booking_moves.cancel_by_citizen(other[1], held)
    entry = WaitlistEntry.objects_unscoped.get()
    client.post(reverse("bookings:my_waitlist_decline", args=[entry.pk]))
    assert WaitlistEntry.objects_unscoped.get().status == W.DECLINED


def test_priced_offer_is_paid_through_the_checkout(
    client, buyer_user, buyer, priced, wallets, other
):
    _provider, _owner, service = priced
    held = book(other[1], service, other[0], own_amount=5_000, own_money="at_provider")
    login(client, buyer_user)
    _join(client, service, held, buyer.pk)
    with all_tenants():
        booking_moves.cancel_by_citizen(other[1], held)
    entry = WaitlistEntry.objects_unscoped.get()
    url = reverse("bookings:my_waitlist_entry", args=[entry.pk])
    assert f'name="wallet_{wallets[0].pk}"' in client.get(url).content.decode()
    data = {
        "key": "pay1",
        f"wallet_{wallets[0].pk}": "20,00",
        f"wallet_{wallets[1].pk}": "10,00",
        "own_amount": "0",
        "own_money": "",
    }
    page = client.post(url, data)
    assert page.status_code == 200 and "La ripartizione somma" in page.content.decode()
    assert WaitlistEntry.objects_unscoped.get().status == W.OFFERED
    data[f"wallet_{wallets[1].pk}"] = "15,00"
    data["own_amount"], data["own_money"] = "15,00", "at_provider"
    response = client.post(url, data)
    assert response.status_code == 302
    booking = Booking.objects_unscoped.get(person=buyer)
    assert booking.order.amount == 5_000 and available(wallets[0]) == 0
    assert WaitlistEntry.objects_unscoped.get().status == W.ACCEPTED


def test_another_citizens_entry_is_404(client, buyer_user, free_service, seller, other, desk):
    _provider, owner, _service = seller
    held = _full(free_service, owner, other)
    login(client, buyer_user)
    _join(client, free_service, held, buyer_user.person_id)
    entry = WaitlistEntry.objects_unscoped.get()
    client.force_login(other[1].user)
    for name in ("my_waitlist_entry", "my_waitlist_decline", "my_waitlist_leave"):
        method = client.get if name == "my_waitlist_entry" else client.post
        assert method(reverse(f"bookings:{name}", args=[entry.pk])).status_code == 404


def test_the_desk_joins_for_a_resident(client, desk, waiters, free_service, seller, other):
    _provider, owner, _service = seller
    held = _full(free_service, owner, other)
    membership = Membership.objects.get(user=desk.user, role=Role.DESK_OPERATOR)
    login(client, desk.user, membership)
    day, time = local(held)
    resident = waiters[0]
    page = client.get(
        reverse("bookings:desk_booking_new", args=[resident.pk, free_service.pk])
        + f"?giorno={day}&ora={time}"
    ).content.decode()
    join_url = reverse("bookings:desk_waitlist_join", args=[resident.pk, free_service.pk])
    assert join_url in page
    data = {"giorno": day, "ora": time, "key": "d1", "chi-person": str(resident.pk)}
    client.post(join_url, data)  # no consent: refused
    assert not WaitlistEntry.objects_unscoped.exists()
    response = client.post(join_url, {**data, "chi-consent_note": CONSENT})
    assert response.url == reverse("bookings:desk_bookings", args=[resident.pk])
    entry = WaitlistEntry.objects_unscoped.get()
    assert entry.on_behalf and entry.person == resident
    listing = client.get(reverse("bookings:desk_bookings", args=[resident.pk])).content.decode()
    assert 'data-testid="desk-waitlist"' in listing and entry.title in listing
    leave = reverse("bookings:desk_waitlist_leave", args=[resident.pk, entry.pk])
    client.post(leave)  # no consent: refused
    assert WaitlistEntry.objects_unscoped.get().status == W.WAITING
    client.post(leave, {"consent_note": CONSENT})
    assert WaitlistEntry.objects_unscoped.get().status == W.LEFT


def test_the_offer_reads_entro_l_8_and_fino_all_8(
    client, buyer_user, buyer, free_service, seller, other
):
    """The offer's deadline with its article elided, on the pages and in the messages."""
    _held, entry = _offered(client, buyer_user, buyer, free_service, seller, other)
    # 23:30 UTC on the 7th is 00:30 on the 8th in Rome; next year's, so the offer is still open.
    year = timezone.now().year + 1
    deadline = datetime.datetime(year, 12, 7, 23, 30, tzinfo=datetime.UTC)
    WaitlistEntry.objects_unscoped.filter(pk=entry.pk).update(offer_expires_at=deadline)
    entry.refresh_from_db()
    listing = client.get(reverse("bookings:my_bookings")).content.decode()
    assert f"Accetti entro l&#x27;8 dicembre {year}, 00:30" in listing
    detail = client.get(reverse("bookings:my_waitlist_entry", args=[entry.pk])).content.decode()
    assert f"tenuto per lei fino all&#x27;8 dicembre {year}, 00:30." in detail
    with all_tenants():
        waitlist_notices.offered(entry)
        waitlist_notices.lapsed(entry)
        bodies = [n.body for n in Notification.objects.filter(person=buyer)]
    assert any(f"tenuto per lei fino all'8 dicembre {year}, 00:30:" in b for b in bodies)
    assert any(f"non è stato accettato entro l'8 dicembre {year}, 00:30:" in b for b in bodies)
