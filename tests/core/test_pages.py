import pytest

from benecomune.core.models import Role


@pytest.mark.parametrize(
    ("role", "org_fixture", "text"),
    [
        (Role.DESK_OPERATOR, "municipality", "Cerca in anagrafe"),
        (Role.VALIDATOR, "municipality", "Nessuna domanda in attesa"),
        (Role.MUNICIPALITY_ADMIN, "municipality", "Personale del Comune"),
        (Role.MERCHANT_STAFF, "shop", "Cassa"),
        (Role.PROVIDER_STAFF, "shop", "Scrivania del fornitore"),
        (Role.COMPANY_HR, "company", "piano di welfare"),
        (Role.PLATFORM_ADMIN, "network", "Visione d'insieme"),
    ],
)
def test_role_home_pages(request, staff_client, role, org_fixture, text):
    organization = request.getfixturevalue(org_fixture)
    client, _user, _m = staff_client(role, organization)
    response = client.get("/")
    assert response.status_code == 200
    assert text in response.content.decode()


def test_citizen_home_has_empty_state(client, make_user, make_person, municipality):
    from tests.helpers import login

    login(client, make_user("c@example.org", person=make_person(municipality)))
    page = client.get("/").content.decode()
    assert "Non ha ancora buoni né domande" in page or "I miei" in page


def test_public_municipality_page(client, municipality, network):
    response = client.get("/piazzola-sul-brenta/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Comune di Piazzola sul Brenta" in page
    assert "Informativa sulla privacy" in page and "Dichiarazione di accessibilità" in page
    assert client.get("/rete-prova/").status_code == 200
    assert client.get("/nessun-comune/").status_code == 404


def test_error_pages_are_italian(client, db):
    response = client.get("/non-esiste/per-niente/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()
    assert client.get("/gestione/audit/").status_code == 302  # anonymous: to the login


def test_forbidden_page_is_italian(staff_client, shop):
    client, _user, _m = staff_client(Role.MERCHANT_STAFF, shop)
    response = client.get("/gestione/audit/")
    assert response.status_code == 403
    assert "Accesso non consentito" in response.content.decode()


def test_server_error_page_is_italian(client, db):
    from benecomune.core.views.errors import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Si è verificato un errore" in response.content.decode()


def test_static_pages(client, db):
    assert "GDPR" in client.get("/privacy/").content.decode()
    assert "WCAG 2.1" in client.get("/accessibilita/").content.decode()


def test_english_switch(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Log in" in page
    client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    assert "Accedi" in client.get("/").content.decode()


def test_htmx_is_loaded(client, db):
    assert "htmx" in client.get("/").content.decode()


def test_person_form_reports_invalid_codice_fiscale(staff_client, municipality):
    from benecomune.core.models import Person
    from benecomune.core.scoping import all_tenants

    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    response = client.post(
        "/gestione/anagrafe/nuova-persona/",
        {
            "fiscal_code": "RSSMRA80B01G587X",
            "first_name": "Mario",
            "last_name": "Rossi",
            "residence": municipality.pk,
        },
    )
    assert response.status_code == 200
    assert "non è valido" in response.content.decode()
    with all_tenants():
        assert Person.objects.count() == 0
    ok = client.post(
        "/gestione/anagrafe/nuova-persona/",
        {
            "fiscal_code": "rssmra80b01g587r",
            "first_name": "Mario",
            "last_name": "Rossi",
            "residence": municipality.pk,
        },
    )
    assert ok.status_code == 302
    again = client.post(
        "/gestione/anagrafe/nuova-persona/",
        {
            "fiscal_code": "RSSMRA80B01G587R",
            "first_name": "Mario",
            "last_name": "Rossi",
            "residence": municipality.pk,
        },
    )
    assert "già registrata" in again.content.decode()


def test_iban_form_reports_invalid_iban(staff_client, municipality, make_person):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    person = make_person(municipality)
    response = client.post(
        f"/gestione/anagrafe/persone/{person.pk}/iban/",
        {
            "iban": "IT60X0542811101000000123457",
            "iban_holder": person.full_name,
        },
    )
    assert "non è valido" in response.content.decode()
    person.refresh_from_db()
    assert person.iban == ""


def test_browser_language_does_not_override_italian(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="it"' in page and "Accedi" in page
