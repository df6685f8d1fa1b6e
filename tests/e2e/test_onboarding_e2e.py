"""The platform admin adds a Comune and invites its admin, who sets a password and enrols the
second factor: all from the pages, in a browser."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core.models import Membership, Municipality, Role, User
from tests.core.onboarding_helpers import PASSWORD as NEW_PASSWORD
from tests.core.onboarding_helpers import invitation_link
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_platform_admin_adds_a_comune_and_invites_its_admin(
    live_server, page_for, make_user, network, screenshot_dir
):
    platform = make_user("piattaforma@example.org", role=Role.PLATFORM_ADMIN, organization=network)
    page = page_for()
    log_in(page, live_server.url, platform)
    page.get_by_role("link", name="Aggiungi un Comune").first.click()
    page.get_by_label("Nome del Comune").fill("Curtarolo")
    page.get_by_label("Codice ISTAT").fill("028099")
    page.get_by_role("button", name="Aggiungi").click()
    assert "è del Comune di Vigodarzere (PD)" in page.content()
    page.get_by_label("Codice ISTAT").fill("028036")
    page.get_by_label("PEC").fill("protocollo@pec.comune.curtarolo.pd.it")
    page.get_by_label("IBAN della tesoreria").fill("IT60X0542811101000000123456")
    page.get_by_role("button", name="Aggiungi").click()
    assert "Ora inviti il suo primo amministratore" in page.content()
    page.get_by_label("Nome e cognome").fill("Anna Sindaco")
    page.get_by_label("E-mail").fill("anna@curtarolo.example")
    page.get_by_role("button", name="Invia l'invito").click()
    assert "Invito inviato a anna@curtarolo.example" in page.content()
    page.screenshot(path=str(screenshot_dir / "onboarding-comune.png"), full_page=True)

    invited = page_for(width=390, height=844)
    invited.goto(live_server.url + invitation_link("anna@curtarolo.example"))
    invited.get_by_label("Scelga una password").fill(NEW_PASSWORD)
    invited.get_by_label("Ripeta la password").fill(NEW_PASSWORD)
    invited.get_by_role("button", name="Salva la password e continua").click()
    assert "/verifica/attiva/" in invited.url
    user = User.objects.get(email="anna@curtarolo.example")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    invited.get_by_label("Codice di verifica (6 cifre)").fill(code)
    invited.get_by_role("button").filter(has_text="Attiva").first.click()
    invited.goto(f"{live_server.url}/gestione/personale/")
    assert "Personale di Curtarolo" in invited.content()
    invited.screenshot(path=str(screenshot_dir / "staff-phone.png"), full_page=True)
    comune = Municipality.objects.get(istat_code="028036")
    assert Membership.objects.get(user=user, organization=comune).role == Role.MUNICIPALITY_ADMIN
