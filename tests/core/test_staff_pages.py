"""A Comune's admin (and a shop's, a provider's) manages the staff from the pages: invites,
role changes, deactivation; another Comune's admin sees none of it."""

import pytest
from django.test import Client

from benecomune.core.models import AuditEvent, Invitation, Membership, Role
from tests.core.onboarding_helpers import accept

# Transactional: invitation e-mails leave on commit, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin(staff_client, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    return client


def _invite(client, name, email, role, url="/gestione/personale/"):
    response = client.post(url, {"full_name": name, "email": email, "role": role})
    assert response.status_code == 302, response.content.decode()[:3000]
    return accept(email)


def test_comune_admin_invites_changes_roles_and_deactivates(admin, municipality):
    page = admin.get("/gestione/personale/").content.decode()
    for label in ("Sportellista", "Convalidatore", "Referente per la protezione dei dati"):
        assert label in page
    bad = admin.post(
        "/gestione/personale/", {"full_name": "X", "email": "non-una-mail", "role": "validator"}
    )
    assert "Indirizzo e-mail non valido" in bad.content.decode()
    wrong_role = admin.post(
        "/gestione/personale/", {"full_name": "X", "email": "x@example.org", "role": "company_hr"}
    )
    assert wrong_role.status_code == 200 and not Invitation.objects_unscoped.exists()

    desk_client, desk = _invite(admin, "Dario Sportello", "dario@example.org", "desk_operator")
    validator_client, validator = _invite(admin, "Vera Valida", "vera@example.org", "validator")
    assert desk_client.get("/gestione/anagrafe/").status_code == 200
    listing = admin.get("/gestione/personale/").content.decode()
    assert "Dario Sportello" in listing and "Vera Valida" in listing and "Accettato" in listing

    desk_membership = Membership.objects.get(user=desk, organization=municipality)
    admin.post(f"/gestione/personale/{desk_membership.pk}/ruolo/", {"role": "validator"})
    desk_membership.refresh_from_db()
    assert desk_membership.role == Role.VALIDATOR
    changed = AuditEvent.objects_unscoped.get(action="membership.role_changed")
    assert (changed.before["role"], changed.after["role"]) == ("desk_operator", "validator")
    assert desk_client.get("/gestione/anagrafe/nuova-persona/").status_code == 403  # no edit

    validator_membership = Membership.objects.get(user=validator, organization=municipality)
    response = admin.post(
        f"/gestione/personale/{validator_membership.pk}/disattiva/",
        {"next": "/gestione/personale/"},
    )
    assert response.status_code == 302
    validator_membership.refresh_from_db()
    assert not validator_membership.is_active
    # The deactivated person loses access at the next request.
    assert validator_client.get("/gestione/anagrafe/").status_code == 403
    assert "Disattivato" in admin.get("/gestione/personale/").content.decode()

    actions = list(
        AuditEvent.objects_unscoped.filter(organization=municipality).values_list(
            "action", flat=True
        )
    )
    for action in (
        "invitation.created",
        "invitation.accepted",
        "membership.granted",
        "membership.role_changed",
        "membership.revoked",
    ):
        assert action in actions, action
    assert actions.count("invitation.created") == 2


def test_the_last_admin_and_oneself_cannot_be_removed(admin, municipality):
    own = Membership.objects.get(organization=municipality, role=Role.MUNICIPALITY_ADMIN)
    response = admin.post(f"/gestione/personale/{own.pk}/disattiva/", follow=True)
    assert "Non può disattivare sé stesso" in response.content.decode()
    _c, second = _invite(admin, "Secondo Admin", "admin2@example.org", "municipality_admin")
    other = Membership.objects.get(user=second)
    own.refresh_from_db()
    assert own.is_active
    # Two admins: the other one can now be made a desk operator.
    admin.post(f"/gestione/personale/{other.pk}/ruolo/", {"role": "desk_operator"})
    other.refresh_from_db()
    assert other.role == Role.DESK_OPERATOR


def test_another_comunes_admin_cannot_see_or_edit_this_staff(
    admin, staff_client, municipality, other_municipality
):
    _c, desk = _invite(admin, "Dario Sportello", "dario@example.org", "desk_operator")
    admin.post(
        "/gestione/personale/",
        {"full_name": "Paola Attesa", "email": "paola@example.org", "role": "validator"},
    )
    membership = Membership.objects.get(user=desk)
    invitation = Invitation.objects_unscoped.get(email="paola@example.org")
    other = Client()
    from tests.helpers import login

    _oc, other_user, other_membership = staff_client(
        Role.MUNICIPALITY_ADMIN, other_municipality, "admin@limena.example"
    )
    login(other, other_user, other_membership)
    page = other.get("/gestione/personale/").content.decode()
    assert "Dario Sportello" not in page and "paola@example.org" not in page
    assert (
        other.post(f"/gestione/personale/{membership.pk}/ruolo/", {"role": "validator"}).status_code
        == 404
    )
    assert other.post(f"/gestione/personale/{membership.pk}/disattiva/").status_code == 404
    assert other.post(f"/gestione/personale/inviti/{invitation.pk}/annulla/").status_code == 404
    assert other.get(f"/gestione/comune/{municipality.pk}/dati/").status_code == 404
    membership.refresh_from_db()
    invitation.refresh_from_db()
    assert membership.is_active and membership.role == Role.DESK_OPERATOR
    assert invitation.is_pending


def test_desk_operator_cannot_manage_staff(staff_client, municipality):
    client, _u, _m = staff_client(Role.DESK_OPERATOR, municipality)
    assert client.get("/gestione/personale/").status_code == 403
    assert (
        client.post(
            "/gestione/personale/",
            {"full_name": "X", "email": "x@example.org", "role": "validator"},
        ).status_code
        == 403
    )


def test_data_protection_contact_reads_the_audit(admin, municipality):
    dpo_client, _dpo = _invite(admin, "Daria Privacy", "dpo@example.org", "data_protection")
    home = dpo_client.get("/")
    assert home.status_code == 200 and "Registro delle attività" in home.content.decode()
    assert dpo_client.get("/gestione/audit/").status_code == 200
    assert dpo_client.get("/gestione/personale/").status_code == 403


def test_shop_and_provider_staff_invite_their_colleagues(staff_client, shop, company):
    client, _u, _m = staff_client(Role.MERCHANT_STAFF, shop)
    page = client.get("/gestione/personale/").content.decode()
    assert "Esercente" in page and "Convalidatore" not in page
    colleague_client, colleague = _invite(
        client, "Carla Cassa", "carla@example.org", "merchant_staff"
    )
    assert Membership.objects.get(user=colleague).organization_id == shop.pk
    assert colleague_client.get("/").status_code == 200

    hr_client, _u2, _m2 = staff_client(Role.COMPANY_HR, company, "hr@example.org")
    _c, colleague = _invite(hr_client, "Ugo Personale", "ugo@example.org", "company_hr")
    assert Membership.objects.get(user=colleague).organization_id == company.pk


def test_existing_account_confirms_with_its_password(admin, make_user, municipality):
    from django.core import mail

    from tests.conftest import PASSWORD
    from tests.core.onboarding_helpers import invitation_link

    make_user("cittadino@example.org")
    admin.post(
        "/gestione/personale/",
        {"full_name": "Cittadino", "email": "cittadino@example.org", "role": "desk_operator"},
    )
    assert mail.outbox
    client = Client()
    link = invitation_link("cittadino@example.org")
    page = client.get(link).content.decode()
    assert "ha già un account" in page
    wrong = client.post(link, {"password": "sbagliata-123456"})
    assert "non è quella del suo account" in wrong.content.decode()
    assert client.post(link, {"password": PASSWORD}).status_code == 302
    assert Membership.objects.get(user__email="cittadino@example.org").role == Role.DESK_OPERATOR


def test_the_platform_admin_cannot_leave_a_comune_without_an_admin(
    staff_client, network, municipality
):
    platform, _u, _m = staff_client(Role.PLATFORM_ADMIN, network, "piattaforma@example.org")
    url = f"/gestione/rete/organizzazioni/{municipality.pk}/"
    platform.post(
        url,
        {"full_name": "Unica Admin", "email": "unica@example.org", "role": "municipality_admin"},
    )
    _c, only_admin = accept("unica@example.org")
    membership = Membership.objects.get(user=only_admin)
    response = platform.post(
        f"/gestione/personale/{membership.pk}/disattiva/", {"next": url}, follow=True
    )
    assert "inviti prima un altro amministratore" in response.content.decode()
    platform.post(f"/gestione/personale/{membership.pk}/ruolo/", {"role": "validator"})
    membership.refresh_from_db()
    assert membership.is_active and membership.role == Role.MUNICIPALITY_ADMIN
    assert not AuditEvent.objects_unscoped.filter(action="membership.revoked").exists()


@pytest.mark.parametrize(
    "url,data",
    [
        ("/gestione/personale/", {"full_name": "Lunga Mail", "role": "validator"}),
        ("/gestione/esercente/personale/", {"full_name": "Lunga Mail"}),
    ],
)
def test_an_address_longer_than_an_email_may_be_is_refused_in_italian(
    staff_client, municipality, shop, url, data
):
    """An address of 255 to 320 characters passes the browser's check: it gets the form's
    Italian message and no invitation (PostgreSQL refused the row: a 500)."""
    role, organization = (
        (Role.MUNICIPALITY_ADMIN, municipality)
        if "esercente" not in url
        else (Role.MERCHANT_STAFF, shop)
    )
    client, _user, _membership = staff_client(role, organization)
    response = client.post(url, {**data, "email": "a" * 250 + "@example.org"})
    assert response.status_code in (200, 400)
    assert "254 caratteri" in response.content.decode()
    assert not Invitation.objects_unscoped.exists()
