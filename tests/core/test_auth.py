import re

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core.models import Membership, Role
from tests.conftest import PASSWORD


@pytest.fixture
def citizen(make_user, make_person, municipality):
    return make_user(
        "maria@example.org", person=make_person(municipality, first_name="Maria", sex="F")
    )


def test_login_with_email_and_password(client, citizen):
    response = client.post("/accedi/", {"username": "MARIA@example.org", "password": PASSWORD})
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "La mia area" in home or "Buongiorno" in home


def test_wrong_password_has_clear_message(client, citizen):
    response = client.post("/accedi/", {"username": "maria@example.org", "password": "no"})
    assert response.status_code == 200
    assert "E-mail o password non corretti" in response.content.decode()


def test_login_throttling_locks_after_repeated_failures(client, citizen, settings):
    settings.LOGIN_THROTTLE_MAX_FAILURES = 3
    for _ in range(3):
        client.post("/accedi/", {"username": "maria@example.org", "password": "sbagliata"})
    response = client.post("/accedi/", {"username": "maria@example.org", "password": PASSWORD})
    assert response.status_code == 200  # even the right password is refused while locked
    assert "Troppi tentativi" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_staff_must_pass_totp(client, make_user, municipality):
    user = make_user("op@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/accedi/", {"username": "op@example.org", "password": PASSWORD})
    assert response.status_code == 302
    blocked = client.get("/gestione/anagrafe/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/verifica/")
    wrong = client.post("/verifica/", {"code": "000000"})
    assert "Codice non valido" in wrong.content.decode()
    too_soon = client.post("/verifica/", {"code": "000000"})
    assert "Troppi tentativi" in too_soon.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    ok = client.post("/verifica/?next=/gestione/anagrafe/", {"code": f"{code:06d}"})
    assert ok.status_code == 302 and ok["Location"] == "/gestione/anagrafe/"
    assert client.get("/gestione/anagrafe/").status_code == 200


def test_staff_without_device_enrols_with_qr(client, make_user, municipality):
    user = make_user("new@example.org", role=Role.VALIDATOR, organization=municipality, totp=False)
    client.post("/accedi/", {"username": "new@example.org", "password": PASSWORD})
    assert client.get("/verifica/")["Location"].startswith("/verifica/attiva/")
    page = client.get("/verifica/attiva/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    client.post("/verifica/attiva/", {"code": f"{code:06d}"})
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200


def test_citizen_needs_no_second_factor(client, citizen):
    client.post("/accedi/", {"username": "maria@example.org", "password": PASSWORD})
    assert client.get("/area-personale/profilo/").status_code == 200


def test_password_reset_by_email(client, citizen):
    response = client.post("/password/reimposta/", {"email": "maria@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password/nuova/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0],
        {
            "new_password1": "Una-nuova-password-lunga",
            "new_password2": "Una-nuova-password-lunga",
        },
    )
    assert response.status_code == 302
    assert client.login(username="maria@example.org", password="Una-nuova-password-lunga")


def test_role_switcher(client, make_user, make_person, municipality, shop):
    person = make_person(municipality)
    user = make_user(
        "multi@example.org", person=person, role=Role.MUNICIPALITY_ADMIN, organization=municipality
    )
    Membership.objects.create(user=user, organization=shop, role=Role.MERCHANT_STAFF)
    from tests.helpers import login

    login(client, user)
    page = client.get("/ruolo/").content.decode()
    assert "Amministratore del Comune" in page and "Esercente" in page and "Cittadino" in page
    merchant = Membership.objects.get(user=user, role=Role.MERCHANT_STAFF)
    client.post("/ruolo/", {"membership": merchant.pk})
    assert "Cassa" in client.get("/").content.decode()
    assert client.get("/gestione/audit/").status_code == 403
    admin = Membership.objects.get(user=user, role=Role.MUNICIPALITY_ADMIN)
    client.post("/ruolo/", {"membership": admin.pk})
    assert client.get("/gestione/audit/").status_code == 200
    client.post("/ruolo/", {"membership": "citizen"})
    assert client.get("/gestione/audit/").status_code == 403
    # A membership of someone else cannot be chosen.
    response = client.post("/ruolo/", {"membership": 999999})
    assert response.status_code == 302 and response["Location"] == "/ruolo/"


def test_logout_requires_post(client, citizen):
    from tests.helpers import login

    login(client, citizen)
    assert client.get("/esci/").status_code == 405
    assert client.post("/esci/").status_code == 302
    assert "_auth_user_id" not in client.session
