"""The platform admin sets up a Comune from the pages and invites its first administrator."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from benecomune.core import istat
from benecomune.core.models import (
    AuditEvent,
    Company,
    Invitation,
    Membership,
    Municipality,
    Provider,
    Role,
)
from benecomune.core.models.tokens import hash_token
from tests.core.onboarding_helpers import PASSWORD, accept, invitation_link

# Transactional: invitation e-mails leave on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)

GOOD = {
    "name": "Curtarolo",
    "istat_code": "028036",
    "slug": "curtarolo",
    "email": "sociali@comune.curtarolo.pd.it",
    "pec": "protocollo@pec.comune.curtarolo.pd.it",
    "phone": "049 9699911",
    "address": "Piazza Primo Maggio 1, 35010 Curtarolo (PD)",
    "treasury_iban": "IT60 X054 2811 1010 0000 0123 456",
}


@pytest.fixture
def platform(staff_client, network):
    client, _user, _m = staff_client(Role.PLATFORM_ADMIN, network, "piattaforma@example.org")
    return client


def _png() -> io.BytesIO:
    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 102, 204)).save(data, "PNG")
    data.seek(0)
    data.name = "stemma.png"
    return data


def test_bad_istat_code_is_refused_in_italian_and_nothing_is_created(platform):
    before = (Municipality.objects.count(), AuditEvent.objects_unscoped.count())
    page = platform.post("/gestione/rete/comuni/nuovo/", {**GOOD, "istat_code": "999999"})
    assert page.status_code == 200
    assert "non corrisponde a nessun Comune italiano" in page.content.decode()
    # A real code of another Comune: the page says whose it is.
    page = platform.post("/gestione/rete/comuni/nuovo/", {**GOOD, "istat_code": "028065"})
    assert "è del Comune di Piove di Sacco (PD)" in page.content.decode()
    page = platform.post("/gestione/rete/comuni/nuovo/", {**GOOD, "treasury_iban": "IT00X1"})
    assert "non è valido" in page.content.decode()
    assert (Municipality.objects.count(), AuditEvent.objects_unscoped.count()) == before


def test_platform_admin_adds_a_comune_and_invites_its_admin(platform, network):
    response = platform.post("/gestione/rete/comuni/nuovo/", {**GOOD, "logo": _png()})
    assert response.status_code == 302
    comune = Municipality.objects.get(istat_code="028036")
    assert response["Location"] == f"/gestione/rete/organizzazioni/{comune.pk}/"
    assert (comune.province, comune.cadastral_code, comune.network_id) == ("PD", "D226", network.pk)
    assert comune.treasury_iban == "IT60X0542811101000000123456"
    assert comune.pec == GOOD["pec"]
    created = AuditEvent.objects_unscoped.get(action="municipality.created", object_id=comune.pk)
    assert (
        created.after["istat_code"] == "028036" and created.actor.email == "piattaforma@example.org"
    )
    # The logo is public, on the Comune's page.
    logo = Client().get("/curtarolo/logo/")
    assert logo.status_code == 200 and logo["Content-Type"] == "image/png"
    assert "/curtarolo/logo/" in Client().get("/curtarolo/").content.decode()
    # The same ISTAT code cannot be added twice.
    again = platform.post("/gestione/rete/comuni/nuovo/", {**GOOD, "slug": "curtarolo-2"})
    assert "è già sulla piattaforma" in again.content.decode()
    # A short address with spaces or accents: what it may contain, not Django's "slug".
    spaced = platform.post("/gestione/rete/comuni/nuovo/", {**GOOD, "slug": "città nuova"})
    text = spaced.content.decode()
    assert "solo lettere senza accenti, cifre e trattini" in text
    assert "“slug”" not in text and "&quot;slug&quot;" not in text

    detail = platform.get(f"/gestione/rete/organizzazioni/{comune.pk}/").content.decode()
    assert "Ancora nessuno" in detail and "Invita una persona" in detail
    mail.outbox.clear()
    response = platform.post(
        f"/gestione/rete/organizzazioni/{comune.pk}/",
        {
            "full_name": "Anna Sindaco",
            "email": "Anna@Curtarolo.example",
            "role": "municipality_admin",
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects_unscoped.get(email="anna@curtarolo.example")
    link = invitation_link("anna@curtarolo.example")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitation.token_hash == hash_token(token) and token not in invitation.token_hash
    assert "Curtarolo" in mail.outbox[-1].subject
    assert AuditEvent.objects_unscoped.filter(
        action="invitation.created", organization=comune
    ).exists()

    # The invited person chooses a password (the two must match) and enrols TOTP.
    anonymous = Client()
    mismatch = anonymous.post(link, {"password": PASSWORD, "password2": PASSWORD + "x"})
    assert "Le due password non coincidono" in mismatch.content.decode()
    admin_client, admin = accept("anna@curtarolo.example")
    membership = Membership.objects.get(user=admin, organization=comune)
    assert membership.role == Role.MUNICIPALITY_ADMIN and membership.is_active
    assert admin.check_password(PASSWORD)
    home = admin_client.get("/").content.decode()
    assert "Curtarolo" in home and "Invita e gestisci il personale" in home
    assert AuditEvent.objects_unscoped.filter(action="invitation.accepted", actor=admin).exists()
    assert AuditEvent.objects_unscoped.filter(action="user.totp_enrolled", actor=admin).exists()
    # Single use: the link no longer works.
    reused = Client().get(link)
    assert reused.status_code == 410 and "già stato usato" in reused.content.decode()
    listing = platform.get("/gestione/rete/organizzazioni/").content.decode()
    assert "Curtarolo" in listing


def test_second_factor_is_required_right_after_the_password(platform, municipality):
    platform.post(
        f"/gestione/rete/organizzazioni/{municipality.pk}/",
        {"full_name": "Bruno Bianchi", "email": "bruno@example.org", "role": "municipality_admin"},
    )
    client = Client()
    link = invitation_link("bruno@example.org")
    client.post(link, {"password": PASSWORD, "password2": PASSWORD})
    response = client.get("/gestione/anagrafe/")
    assert response.status_code == 302 and response["Location"].startswith("/verifica/")


def test_expired_or_revoked_invitations_do_not_work(platform, municipality):
    url = f"/gestione/rete/organizzazioni/{municipality.pk}/"
    platform.post(url, {"full_name": "C", "email": "c@example.org", "role": "validator"})
    link = invitation_link("c@example.org")
    Invitation.objects_unscoped.filter(email="c@example.org").update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = Client().get(link)
    assert expired.status_code == 410 and "scaduto" in expired.content.decode()
    assert Client().post(link, {"password": PASSWORD, "password2": PASSWORD}).status_code == 410
    assert not Membership.objects.filter(user__email="c@example.org").exists()

    platform.post(url, {"full_name": "D", "email": "d@example.org", "role": "validator"})
    invitation = Invitation.objects_unscoped.get(email="d@example.org")
    platform.post(f"/gestione/personale/inviti/{invitation.pk}/annulla/", {"next": url})
    assert "annullato" in Client().get(invitation_link("d@example.org")).content.decode()
    assert AuditEvent.objects_unscoped.filter(action="invitation.revoked").count() == 1
    assert Client().get("/invito/non-un-token/").status_code == 410


def test_bad_logo_is_refused(platform):
    fake = io.BytesIO(b"<svg onload=alert(1)></svg>")
    fake.name = "stemma.png"
    page = platform.post("/gestione/rete/comuni/nuovo/", {**GOOD, "logo": fake})
    assert "PNG o JPEG" in page.content.decode()
    assert not Municipality.objects.filter(istat_code="028036").exists()


def test_platform_admin_adds_a_company_and_a_provider(platform, municipality):
    bad = platform.post(
        "/gestione/rete/aziende/nuova/", {"name": "Officine Brenta", "vat_number": "123"}
    )
    assert "non è valida" in bad.content.decode()
    response = platform.post(
        "/gestione/rete/aziende/nuova/", {"name": "Officine Brenta", "vat_number": "04567890282"}
    )
    company = Company.objects.get(vat_number="04567890282")
    assert response["Location"] == f"/gestione/rete/organizzazioni/{company.pk}/"
    assert company.slug == "officine-brenta"
    response = platform.post(
        "/gestione/rete/fornitori/nuovo/",
        {
            "name": "Forno Sartori",
            "provider_kind": "shop",
            "category": "bakery",
            "vat_number": "04678900285",
            "municipality": municipality.pk,
        },
    )
    provider = Provider.objects.get(vat_number="04678900285")
    detail = platform.get(response["Location"]).content.decode()
    # A shop's first administrator is proposed with the shop's own role.
    assert 'value="merchant_staff" selected' in detail
    actions = set(AuditEvent.objects_unscoped.values_list("action", flat=True))
    assert {"company.created", "provider.created"} <= actions
    assert provider.municipality_id == municipality.pk


def test_only_the_platform_admin_onboards(staff_client, municipality):
    client, _u, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    assert client.get("/gestione/rete/organizzazioni/").status_code == 403
    assert client.post("/gestione/rete/comuni/nuovo/", GOOD).status_code == 403
    assert not Municipality.objects.filter(istat_code="028036").exists()


def test_comune_admin_edits_contacts_and_logo(staff_client, municipality, other_municipality):
    client, _u, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    url = f"/gestione/comune/{municipality.pk}/dati/"
    bad = client.post(url, {"treasury_iban": "DE89370400440532013000"})
    assert "IBAN italiano" in bad.content.decode()
    response = client.post(url, {"pec": "comune@pec.example.it", "logo": _png()})
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.pec == "comune@pec.example.it" and municipality.logo
    event = AuditEvent.objects_unscoped.get(action="municipality.updated")
    assert event.after["pec"] == "comune@pec.example.it"
    assert client.get(f"/gestione/comune/{other_municipality.pk}/dati/").status_code == 404


def test_demo_comuni_have_their_real_istat_codes():
    from benecomune.core.demo.data import MUNICIPALITIES

    for name, _slug, code, cadastral, *_rest in MUNICIPALITIES:
        entry = istat.check_comune(code, name)
        assert entry.cadastral_code == cadastral
