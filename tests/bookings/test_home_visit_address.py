"""The address of a home visit for the provider: a booking of a service delivered at home
keeps the person's registry address of when it was made and shows it (with the registry's
current one when they differ) on the booking's page, the day's agenda, CSV and PDF, to the
provider's staff only; a booking of any other service never shows an address; another
provider still gets a 404 and sees nothing."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from benecomune.bookings.models import Booking
from benecomune.core.scoping import all_tenants
from benecomune.core.services import people
from tests.bookings.agenda_fixtures import add_resource, set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book
from tests.bookings.test_bookings_pages import staff_login
from tests.bookings.test_provider_agenda import DAY, local_day
from tests.marketplace.test_catalogue import make_service

pytestmark = pytest.mark.django_db

HOME = "Via Dante 3, Limena"


@pytest.fixture
def home_service(seller, municipality):
    provider, owner, _service = seller
    service = make_service(
        owner,
        provider,
        title="Igiene personale a casa",
        price_kind="free",
        delivery="at_home",
        municipalities_served=[municipality],
    )
    operator = add_resource(owner, provider, name="Operatrice Sara", kind="person")
    set_rules(owner, service, [operator], capacity=1)
    return service


def move(desk, person, address):
    with all_tenants():
        people.update_contacts(
            desk, person, email=person.email, phone="049 1234567", address=address
        )


def test_the_provider_sees_where_to_go_for_a_home_visit_only(
    client, desk, citizen, buyer, home_service, free_service, seller, make_provider
):
    _provider, owner, _service = seller
    move(desk, buyer, HOME)
    visit = book(citizen, home_service, buyer)
    other = book(citizen, free_service, buyer, slot=3)
    with all_tenants():
        assert Booking.objects_unscoped.get(pk=visit.pk).visit_address == HOME
        assert Booking.objects_unscoped.get(pk=other.pk).visit_address == ""

    staff_login(client, owner)
    page = client.get(reverse("bookings:provider_booking", args=[visit.pk])).content.decode()
    assert 'data-testid="visit-address"' in page and HOME in page
    page = client.get(reverse("bookings:provider_booking", args=[other.pk])).content.decode()
    assert "Indirizzo della visita" not in page and HOME not in page

    day = client.get(f"{DAY}?data={local_day(visit)}").content.decode()
    assert day.count('data-testid="visit-address"') == 1 and HOME in day
    csv = client.get(f"{DAY}?data={local_day(visit)}&formato=csv").content.decode("utf-8-sig")
    lines = {line.split(";")[-1].strip(): line for line in csv.splitlines()[1:]}
    assert HOME in lines[visit.number] and HOME not in lines[other.number]
    pdf = client.get(f"{DAY}?data={local_day(visit)}&formato=pdf")
    content = b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Indirizzo della" in text and "Dante" in text

    # The person moved after booking: the booked address first, then the registry's.
    move(desk, buyer, "Via Verdi 9, Limena")
    page = client.get(reverse("bookings:provider_booking", args=[visit.pk])).content.decode()
    assert f"{HOME} (in anagrafe ora: Via Verdi 9, Limena)" in page

    # Another provider: not found, and no address anywhere on its day.
    _other, stranger = make_provider()
    staff_login(client, stranger)
    assert client.get(reverse("bookings:provider_booking", args=[visit.pk])).status_code == 404
    day = client.get(f"{DAY}?data={local_day(visit)}").content.decode()
    assert HOME not in day and "Via Verdi" not in day
    csv = client.get(f"{DAY}?data={local_day(visit)}&formato=csv").content.decode("utf-8-sig")
    assert HOME not in csv


def test_a_day_without_home_visits_has_no_address_column(
    client, citizen, buyer, free_service, seller
):
    _provider, owner, _service = seller
    booking = book(citizen, free_service, buyer)
    staff_login(client, owner)
    pdf = client.get(f"{DAY}?data={local_day(booking)}&formato=pdf")
    content = b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert buyer.full_name in text and "Indirizzo" not in text
