"""A Welfare Manager at the Piazzola Point: the worklist, a new case for a 70-year-old found
by codice fiscale (needs, consent on the informativa shown), the case page; the public list of
Points. Every page is checked with axe-core by `page_for`."""

import pytest

from benecomune.core.models import Role
from benecomune.desk.models import Case
from tests.desk.conftest import make_point
from tests.e2e.helpers import PHONE, assert_fits, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def taxonomy(transactional_db):
    """Earlier transactional tests' flush empties the data migration's needs: put them back
    (the migration's own, idempotent function)."""
    from importlib import import_module

    from django.apps import apps

    import_module("benecomune.desk.migrations.0001_initial").load_taxonomy(apps, None)


def test_welfare_manager_opens_a_case(
    live_server, page_for, make_user, make_person, municipality, system_actor, screenshot_dir
):
    from benecomune.core.models import Membership
    from benecomune.desk.services import points

    point = make_point(system_actor, municipality, municipality, "Punto di Piazzola", "municipal")
    user = make_user("wm@example.org", role=Role.WELFARE_MANAGER, organization=municipality)
    points.add_operator(system_actor, point, Membership.objects.get(user=user))
    elder = make_person(
        municipality, first_name="Ada", last_name="Bassi", sex="F", birthdate="01/01/1955"
    )
    page = page_for()
    log_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/gestione/sportello-welfare/")
    assert "Lista di lavoro" in page.content()
    page.get_by_role("link", name="Apri un nuovo caso").first.click()
    page.get_by_label("Codice fiscale").fill(elder.fiscal_code)
    elderly = page.get_by_role("group", name="Anziani")
    elderly.locator("label", has_text="Assistenza domiciliare").click()
    elderly.locator("label", has_text="Solitudine e socialità").click()
    page.get_by_label("Provenienza").select_option("walk_in")
    page.locator(
        "label", has_text="Ho consegnato o letto l'informativa sul trattamento dei dati"
    ).click()
    page.locator("label", has_text="Presa in carico e orientamento (art. 6 GDPR)").click()
    page.get_by_label("Come ha accettato").select_option("signed")
    page.screenshot(path=screenshot_dir / "desk-intake.png", full_page=True)
    page.get_by_role("button", name="Apri il caso").click()
    case = Case.objects_unscoped.get()
    page.wait_for_url(f"{live_server.url}/gestione/sportello-welfare/casi/{case.pk}/")
    assert case.protocol in page.content() and "Bassi" in page.content()
    page.get_by_role("button", name="Prendi in carico").click()
    assert "In carico" in page.content()
    page.screenshot(path=screenshot_dir / "desk-case.png", full_page=True)

    phone = page_for(**PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_server.url}/gestione/sportello-welfare/casi/{case.pk}/")
    assert_fits(phone)
    phone.goto(f"{live_server.url}/punti-welfare/")
    assert "Punto di Piazzola" in phone.content()
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "desk-directory-phone.png", full_page=True)
