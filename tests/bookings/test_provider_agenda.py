"""The provider's agenda: the day and the week per resource (404 and nothing shown across
providers), the moves from the day through the booking's services, the day's export (CSV and
PDF, staff only), and walk-in bookings at the counter (a known person by codice fiscale, a
person registered minimally, the same seat counters, the audit naming the staff member)."""

import datetime
import io

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from benecomune.bookings.models import Booking, BookingStatus, OrderStatus
from benecomune.bookings.services import agenda_reads, booking_walk_in
from benecomune.bookings.slots import ROME
from benecomune.core.models import AuditEvent, Person
from benecomune.core.scoping import all_tenants
from tests.bookings.agenda_fixtures import set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book, free_slots, key
from tests.bookings.test_bookings_pages import staff_login

pytestmark = pytest.mark.django_db
S = BookingStatus
DAY = reverse("bookings:provider_agenda_day")
WEEK = reverse("bookings:provider_agenda_week")
WALK_IN = reverse("bookings:provider_walk_in")


def local_day(booking) -> str:
    return booking.starts_at.astimezone(ROME).date().isoformat()


def review(owner, service):
    with all_tenants():
        resources = list(agenda_reads.schedule_of(service).resources.all())
        set_rules(owner, service, resources, needs_review=True, capacity=3)


def test_day_and_week_show_the_bookings_per_resource(client, citizen, buyer, free_service, seller):
    _provider, owner, _service = seller
    with all_tenants():
        Person.objects_unscoped.filter(pk=buyer.pk).update(phone="049 1234567")
    booking = book(citizen, free_service, buyer)
    staff_login(client, owner)
    html = client.get(f"{DAY}?data={local_day(booking)}").content.decode()
    assert "Sala piccola" in html and buyer.full_name in html and "049 1234567" in html
    assert f'id="b{booking.pk}"' in html and "Giorno successivo" in html and "Oggi" in html
    week = client.get(f"{WEEK}?dal={local_day(booking)}").content.decode()
    assert "<caption>" in week and 'data-testid="week-list"' in week
    assert reverse("bookings:provider_booking", args=[booking.pk]) in week
    # Unreadable dates fall back to today; the page still answers.
    assert client.get(f"{DAY}?data=ieri").status_code == 200
    assert client.get(f"{WEEK}?dal=2027-13-40").status_code == 200


def test_another_provider_sees_nothing_and_gets_404(
    client, citizen, buyer, free_service, make_provider
):
    booking = book(citizen, free_service, buyer)
    _other, stranger = make_provider()
    staff_login(client, stranger)
    html = client.get(f"{DAY}?data={local_day(booking)}").content.decode()
    assert buyer.full_name not in html
    csv = client.get(f"{DAY}?data={local_day(booking)}&formato=csv").content.decode()
    assert buyer.last_name not in csv
    move = reverse("bookings:provider_agenda_move", args=[booking.pk, "rifiuta"])
    assert client.post(move, {"reason": "x"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_citizen_and_anonymous_cannot_open_the_agenda(client, buyer_user):
    assert client.get(DAY).status_code == 302  # to the login
    client.force_login(buyer_user)
    assert client.get(DAY).status_code == 403
    assert client.get(WALK_IN).status_code == 403


def test_moves_from_the_day(client, citizen, buyer, free_service, seller):
    _provider, owner, _service = seller
    review(owner, free_service)
    first = book(citizen, free_service, buyer)
    second = book(citizen, free_service, buyer)
    staff_login(client, owner)
    html = client.get(f"{DAY}?data={local_day(first)}").content.decode()
    assert "Motivo del rifiuto" in html and "Conferma" in html
    assert "/svolta/" not in html  # not started yet: no "Svolta" button
    move = reverse("bookings:provider_agenda_move", args=[first.pk, "conferma"])
    answer = client.post(move)
    assert answer.status_code == 302 and answer.url.startswith(DAY)
    first.refresh_from_db()
    assert first.status == S.CONFIRMED
    # A decline without a reason: the Italian message, nothing changed.
    decline = reverse("bookings:provider_agenda_move", args=[second.pk, "rifiuta"])
    page = client.post(decline, {"reason": " "}, follow=True).content.decode()
    assert "Indichi il motivo" in page
    second.refresh_from_db()
    assert second.status == S.REQUESTED
    client.post(decline, {"reason": "Sala in manutenzione"})
    second.refresh_from_db()
    assert second.status == S.DECLINED and second.cancel_reason == "Sala in manutenzione"
    # Completed before it started: refused with the reason, unchanged.
    done = reverse("bookings:provider_agenda_move", args=[first.pk, "svolta"])
    page = client.post(done, follow=True).content.decode()
    starts = first.starts_at.astimezone(ROME)
    article = "dall&#x27;" if starts.day in (1, 8, 11) else "dal "  # "dall'8", "dal 9"
    assert f"non è ancora iniziato: lo si potrà segnare {article}{starts.day} " in page
    assert f"alle {starts:%H:%M}." in page
    first.refresh_from_db()
    assert first.status == S.CONFIRMED
    # Cancelling is on the booking's page (with its reason form), not from the agenda.
    cancel = reverse("bookings:provider_agenda_move", args=[first.pk, "annulla"])
    assert client.post(cancel, {"reason": "x"}).status_code == 404


def test_the_days_export(client, citizen, buyer, free_service, seller):
    _provider, owner, _service = seller
    booking = book(citizen, free_service, buyer)
    staff_login(client, owner)
    csv = client.get(f"{DAY}?data={local_day(booking)}&formato=csv")
    text = csv.content.decode("utf-8-sig")
    assert csv.status_code == 200 and "Telefono" in text and buyer.full_name in text
    assert booking.number in text and "Sala piccola" in text
    pdf = client.get(f"{DAY}?data={local_day(booking)}&formato=pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    content = b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])
    assert content.startswith(b"%PDF")
    # The time on one line of its column (it wrapped: "10:15-11:" then "15").
    start, end = (
        t.astimezone(ROME).strftime("%H:%M") for t in (booking.starts_at, booking.ends_at)
    )
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert f"{start}-{end}" in text.splitlines()


# --- walk-in ---------------------------------------------------------------------------------


def new_code(first="Giulia", last="Bianchi") -> str:
    return codicefiscale.encode(
        lastname=last, firstname=first, gender="F", birthdate="03/04/1990", birthplace="Padova"
    )


def test_walk_in_of_a_known_person(client, buyer, free_service, seller):
    _provider, owner, _service = seller
    day, time, slot = free_slots(free_service)[0]
    staff_login(client, owner)
    form = client.get(f"{WALK_IN}?servizio={free_service.pk}&data={day}").content.decode()
    assert 'data-testid="walk-in-slots"' in form and f"{time:%H:%M}" in form
    data = {
        "service": free_service.pk,
        "day": day.isoformat(),
        "time": f"{time:%H:%M}",
        "fiscal_code": buyer.fiscal_code.lower(),
        "key": "w1",
    }
    answer = client.post(WALK_IN, data)
    booking = Booking.objects_unscoped.get()
    assert answer.status_code == 302 and answer.url.startswith(DAY)
    assert booking.person == buyer and booking.status == S.CONFIRMED
    assert booking.starts_at == slot.start and booking_walk_in.is_walk_in(booking)
    event = AuditEvent.objects_unscoped.get(action="bookings.booking_walk_in")
    assert event.actor == owner.user and "Al banco" in event.reason
    # The same form again: the same booking.
    client.post(WALK_IN, data)
    assert Booking.objects_unscoped.count() == 1
    day_page = client.get(f"{DAY}?data={day}").content.decode()
    assert "al banco" in day_page


def test_walk_in_registers_a_new_person_minimally(client, free_service, seller, municipality):
    _provider, owner, _service = seller
    day, time, _slot = free_slots(free_service)[0]
    staff_login(client, owner)
    code = new_code()
    data = {
        "service": free_service.pk,
        "day": day.isoformat(),
        "time": f"{time:%H:%M}",
        "fiscal_code": code,
        "key": "w2",
    }
    # Unknown and without names: the Italian message, nobody registered, nothing booked.
    page = client.post(WALK_IN, data)
    assert page.status_code == 400 and "nome e cognome" in page.content.decode()
    assert not Person.objects_unscoped.filter(fiscal_code=code).exists()
    data.update(first_name="Giulia", last_name="Bianchi", residence=municipality.pk)
    assert client.post(WALK_IN, data).status_code == 302
    person = Person.objects_unscoped.get(fiscal_code=code)
    assert person.residence_id == municipality.pk
    assert Booking.objects_unscoped.get().person == person
    assert AuditEvent.objects_unscoped.filter(action="person.registered").exists()


def test_walk_in_bad_input_changes_nothing(client, citizen, buyer, free_service, seller):
    _provider, owner, _service = seller
    staff_login(client, owner)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = {
        "service": free_service.pk,
        "day": yesterday.isoformat(),
        "time": "10:00",
        "fiscal_code": buyer.fiscal_code,
        "key": "w3",
    }
    page = client.post(WALK_IN, data)
    assert page.status_code == 400 and "già passato" in page.content.decode()
    gap = {**data, "day": "2030-03-31", "time": "02:30", "key": "w4"}
    assert "non esiste" in client.post(WALK_IN, gap).content.decode()
    bad_code = {**data, "fiscal_code": "XXXXXXXXXXXXXXXX", "key": "w5"}
    assert client.post(WALK_IN, bad_code).status_code == 400
    assert not Booking.objects_unscoped.exists()


def test_walk_in_ignores_the_notice_but_not_capacity(buyer, free_service, seller, make_person):
    """Monday at 08:00 a person at the counter takes the 09:00 turn (the 24-hour notice does
    not apply); the same seats as online: a full slot is refused."""
    _provider, owner, _service = seller
    monday = timezone.localdate() + datetime.timedelta(days=7 - timezone.localdate().weekday())
    now = datetime.datetime.combine(monday, datetime.time(8), tzinfo=ROME)
    people = [buyer] + [make_person(buyer.residence, first_name=n) for n in ("Anna", "Bea", "Ca")]
    with all_tenants():
        for person in people[:3]:  # capacity 3
            booking = booking_walk_in.book_walk_in(
                owner,
                service=free_service,
                person=person,
                day=monday,
                time=datetime.time(9),
                idempotency_key=key(),
                now=now,
            )
            assert booking.status == S.CONFIRMED
        with pytest.raises(ValidationError, match="turno libero"):
            booking_walk_in.book_walk_in(
                owner,
                service=free_service,
                person=people[3],
                day=monday,
                time=datetime.time(9),
                idempotency_key=key(),
                now=now,
            )
    assert Booking.objects_unscoped.count() == 3


def test_walk_in_of_a_priced_service_is_paid_at_the_provider(buyer, priced, make_provider):
    _provider, owner, service = priced
    day, time, _slot = free_slots(service)[0]
    with all_tenants():
        booking = booking_walk_in.book_walk_in(
            owner, service=service, person=buyer, day=day, time=time, idempotency_key=key()
        )
    order = booking.order
    assert order.status == OrderStatus.CONFIRMED and order.due_at_provider == order.amount
    assert order.intent_id is None
    # Another provider's staff may not book this provider's service.
    _other, stranger = make_provider()
    with pytest.raises(Exception, match="permessi"), all_tenants():
        booking_walk_in.book_walk_in(
            stranger, service=service, person=buyer, day=day, time=time, idempotency_key=key()
        )
