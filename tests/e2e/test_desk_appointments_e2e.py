"""Appointments at a Welfare Point in Chromium with axe-core (`page_for`): the Point's admin
opens the appointments; a 70-year-old books one from the public list of Points on a phone and
finds it in her area with "Aggiungi al calendario"; the Welfare Manager sees it in the Point's
agenda, books another by codice fiscale for someone who phoned, and closes the Point on the
day of Ada's appointment: the page warns that it is still booked."""

import datetime

import pytest
from playwright.sync_api import expect

from benecomune.bookings.slots import ROME
from benecomune.core.models import Membership, Role
from benecomune.desk.models import Appointment
from benecomune.desk.services import points
from tests.desk.conftest import make_point
from tests.e2e.helpers import PHONE, assert_fits, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_appointments_at_a_point(
    live_server, page_for, make_user, make_person, municipality, system_actor, screenshot_dir
):
    point = make_point(system_actor, municipality, municipality, "Punto di Piazzola", "municipal")
    admin = make_user("admin@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    manager = make_user("wm@example.org", role=Role.WELFARE_MANAGER, organization=municipality)
    points.add_operator(system_actor, point, Membership.objects.get(user=manager))
    elder = make_person(
        municipality, first_name="Ada", last_name="Bassi", sex="F", birthdate="01/01/1955"
    )
    citizen = make_user("ada@example.org", person=elder)
    caller = make_person(municipality, first_name="Bruno", last_name="Neri", sex="M")

    page = page_for()
    log_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/gestione/punti-welfare/{point.pk}/appuntamenti/")
    page.locator("label", has_text="I cittadini possono prenotare un appuntamento").click()
    page.get_by_label("Durata di un appuntamento (minuti)").fill("30")
    page.get_by_label("Appuntamenti alla stessa ora").fill("1")
    page.get_by_label("Preavviso minimo (ore)").fill("0")
    page.get_by_label("Prenotabile fino a (giorni)").fill("14")
    for day in ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì"):
        group = page.get_by_role("group", name=day, exact=True)
        group.locator("input").nth(0).fill("09:00")
        group.locator("input").nth(1).fill("12:00")
    page.screenshot(path=screenshot_dir / "desk-appointments-settings.png", full_page=True)
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Appuntamenti del Punto salvati.")).to_be_visible()

    phone = page_for(**PHONE)
    log_in(phone, live_server.url, citizen)
    phone.goto(f"{live_server.url}/punti-welfare/")
    phone.get_by_role("link", name="Prenota un appuntamento").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Prenota un appuntamento")
    assert_fits(phone)
    phone.locator("label[for^=slot-]").first.click()
    phone.get_by_label("Di che cosa vuole parlare (facoltativo)").fill("Aiuto a casa per mia madre")
    phone.screenshot(path=screenshot_dir / "desk-appointment-book-phone.png", full_page=True)
    phone.get_by_role("button", name="Prenota").click()
    expect(phone.get_by_text("Appuntamento prenotato.")).to_be_visible()
    expect(phone.get_by_test_id("appointment")).to_contain_text("Punto di Piazzola")
    expect(phone.get_by_test_id("ics")).to_be_visible()
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "desk-appointments-mine-phone.png", full_page=True)
    booked = Appointment.objects_unscoped.get()
    assert booked.person == elder and booked.topic == "Aiuto a casa per mia madre"

    desk = page_for()
    log_in(desk, live_server.url, manager)
    desk.goto(f"{live_server.url}/gestione/sportello-welfare/appuntamenti/")
    expect(desk.get_by_test_id("agenda-day").first).to_contain_text("Ada Bassi")
    desk.get_by_label("Codice fiscale della persona").fill(caller.fiscal_code)
    desk.locator("label[for^=slot-]").first.click()
    desk.get_by_role("button", name="Prenota", exact=True).click()
    expect(desk.get_by_text("Appuntamento prenotato per")).to_be_visible()
    desk.screenshot(path=screenshot_dir / "desk-appointments-agenda.png", full_page=True)
    assert Appointment.objects_unscoped.filter(person=caller, on_behalf=True).count() == 1
    assert booked.starts_at > datetime.datetime.now(datetime.UTC)

    desk.get_by_role("link", name="Chiusure e festività del Punto").click()
    day = booked.starts_at.astimezone(ROME).date()
    desk.get_by_label("Dal giorno").fill(day.isoformat())
    desk.get_by_label("Motivo").fill("Assemblea del personale")
    desk.get_by_role("button", name="Aggiungi la chiusura").click()
    expect(desk.get_by_text("Chiusura registrata")).to_be_visible()
    expect(desk.get_by_test_id("closure-affected")).to_contain_text("Ada Bassi")
    desk.screenshot(path=screenshot_dir / "desk-appointments-closures.png", full_page=True)
    booked.refresh_from_db()
    assert booked.status == "booked"
