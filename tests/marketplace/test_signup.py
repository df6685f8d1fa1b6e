"""A provider's self sign-up from the public page, the network's approval (the signing person
becomes owner) or refusal with a reason; bad input changes nothing."""

import pytest
from django.urls import reverse

from benecomune.core.models import AuditEvent, Membership, Provider, Role
from benecomune.core.models.notifications import OutboxMessage
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import (
    ProviderProfile,
    ProviderStaffRole,
    RegistrationStatus,
    StaffRole,
)
from benecomune.marketplace.services.common import is_owner
from tests.helpers import actor_for, login
from tests.marketplace.conftest import VATS

pytestmark = pytest.mark.django_db


def form(municipality, **changes):
    data = {
        "name": "Cooperativa Sociale Girasole",
        "provider_kind": "social_cooperative",
        "vat_number": VATS[0],
        "fiscal_code": VATS[0],
        "register_number": "A123456",
        "municipality": municipality.pk,
        "address": "Via Dante 3",
        "description": "Assistenza domiciliare",
        "contact_name": "Anna Bianchi",
        "email": "anna@girasole.example.org",
        "phone": "049 123456",
    }
    data.update(changes)
    return data


def test_signup_page_then_network_approves_and_the_signer_is_owner(client, municipality, admins):
    response = client.post(
        reverse("marketplace:signup"),
        form(municipality, description="Assistenza <img src=x onerror=alert(1)>"),
    )
    assert response.status_code == 302
    provider = Provider.objects.get(vat_number=VATS[0])
    assert not provider.is_active
    with all_tenants():
        profile = ProviderProfile.objects.get(provider=provider)
    assert profile.registration == RegistrationStatus.PENDING
    assert profile.applicant.email == "anna@girasole.example.org"
    assert not Membership.objects.filter(organization=provider).exists()
    assert AuditEvent.objects_unscoped.filter(action="marketplace.signup_received").count() == 1

    # The network's administrator approves from the page.
    admin = admins[0]
    page = login(client, admin.user, admin.membership)
    home = page.get(reverse("marketplace:network_home"))
    assert "Cooperativa Sociale Girasole" in home.content.decode()
    url = reverse("marketplace:signup_detail", args=[provider.pk])
    detail = page.get(url).content.decode()
    assert "Assistenza &lt;img src=x onerror=alert(1)&gt;" in detail
    assert "<img src=x" not in detail
    assert page.post(url, {"decision": "approve"}).status_code == 302
    provider.refresh_from_db()
    profile.refresh_from_db()
    assert provider.is_active and profile.registration == RegistrationStatus.APPROVED
    membership = Membership.objects.get(organization=provider, role=Role.PROVIDER_STAFF)
    assert membership.user == profile.applicant
    assert ProviderStaffRole.objects_unscoped.get(membership=membership).role == StaffRole.OWNER
    assert is_owner(actor_for(membership.user, Role.PROVIDER_STAFF, provider), provider)
    approved = AuditEvent.objects_unscoped.get(action="marketplace.signup_approved")
    assert approved.actor == admin.user
    mail = OutboxMessage.objects_unscoped.get(template_key="marketplace_signup_approved")
    assert mail.to == "anna@girasole.example.org" and "/password/" in mail.body


def test_refusal_needs_a_reason_and_is_told(client, municipality, admins):
    client.post(reverse("marketplace:signup"), form(municipality))
    provider = Provider.objects.get(vat_number=VATS[0])
    page = login(client, admins[0].user, admins[0].membership)
    url = reverse("marketplace:signup_detail", args=[provider.pk])
    response = page.post(url, {"decision": "refuse", "reason": ""})
    assert response.status_code == 200
    assert "Indichi il motivo" in response.content.decode()
    with all_tenants():
        assert ProviderProfile.objects.get(provider=provider).registration == "pending"
    page.post(url, {"decision": "refuse", "reason": "Non opera nei Comuni della rete"})
    with all_tenants():
        profile = ProviderProfile.objects.get(provider=provider)
    assert profile.registration == RegistrationStatus.REFUSED
    assert not Provider.objects.get(pk=provider.pk).is_active
    assert not Membership.objects.filter(organization=provider).exists()
    mail = OutboxMessage.objects_unscoped.get(template_key="marketplace_signup_refused")
    assert "Non opera nei Comuni della rete" in mail.body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"vat_number": "01234567890"}, "vat_number", "partita IVA 01234567890 non è valida"),
        ({"fiscal_code": "01234567890"}, "fiscal_code", "codice fiscale 01234567890 non è valido"),
        ({"fiscal_code": "RSSMRA80A01G22"}, "fiscal_code", "11 cifre"),
        ({"fiscal_code": "RSSMRA80A01G224X"}, "fiscal_code", "non è valido"),
        ({"register_number": ""}, "register_number", "RUNTS"),
        ({"register_number": "<b>1</b>"}, "register_number", "caratteri non ammessi"),
        ({"email": "non-una-mail"}, "email", "e-mail non è valido"),
    ],
)
def test_bad_input_is_told_and_changes_nothing(client, municipality, changes, field, message):
    response = client.post(reverse("marketplace:signup"), form(municipality, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Provider.objects.filter(name="Cooperativa Sociale Girasole").exists()
    assert not AuditEvent.objects_unscoped.filter(action__startswith="marketplace.").exists()


def test_every_mistake_is_told_at_once_next_to_its_field(client, municipality):
    """A missing Comune (the form's own check) does not hide a wrong partita IVA, codice
    fiscale or e-mail (the service's): all are said in one round, each under its field."""
    data = form(municipality, vat_number="12345678901", fiscal_code="ABC", email="non-una-mail")
    data.update(municipality="", contact_name="")
    response = client.post(reverse("marketplace:signup"), data)
    assert response.status_code == 200
    page = response.content.decode()
    for field, message in [
        ("municipality", "Scelga il Comune della sede."),
        ("vat_number", "partita IVA 12345678901 non è valida"),
        ("fiscal_code", "ne sono stati inseriti 3"),
        ("email", "e-mail non è valido"),
        ("contact_name", "Indichi nome e cognome"),
    ]:
        error = page.split(f'id="id_{field}-error"', 1)
        assert len(error) == 2, f"no error under {field}"
        assert message in error[1].split("</div>", 1)[0], field
        assert f'aria-describedby="id_{field}-error"' in page
    assert "Questo campo è obbligatorio" not in page
    assert not Provider.objects.exists()
    assert not AuditEvent.objects_unscoped.filter(action__startswith="marketplace.").exists()


def test_signup_page_asks_for_the_comune_in_words(client, municipality):
    page = client.get(reverse("marketplace:signup")).content.decode()
    assert "Scelga il Comune" in page and "---------" not in page
    assert 'autocomplete="email"' in page


def test_professional_needs_no_register_number_and_may_use_a_personal_code(client, municipality):
    from codicefiscale import codicefiscale

    code = codicefiscale.encode(
        lastname="Verdi", firstname="Luca", gender="M", birthdate="01/02/1980", birthplace="Padova"
    )
    data = form(municipality, provider_kind="professional", register_number="", fiscal_code=code)
    assert client.post(reverse("marketplace:signup"), data).status_code == 302
    with all_tenants():
        assert ProviderProfile.objects.get(provider__vat_number=VATS[0]).fiscal_code == code


def test_vat_number_already_registered(client, municipality, shop):
    response = client.post(
        reverse("marketplace:signup"), form(municipality, vat_number=shop.vat_number)
    )
    assert "già registrata" in response.content.decode()
    assert Provider.objects.count() == 1


def test_provider_staff_cannot_approve(client, make_provider, municipality):
    client.post(
        reverse("marketplace:signup"), form(municipality, vat_number=VATS[3], fiscal_code=VATS[3])
    )
    pending = Provider.objects.get(vat_number=VATS[3])
    _other, owner = make_provider()
    page = login(client, owner.user, owner.membership)
    url = reverse("marketplace:signup_detail", args=[pending.pk])
    assert page.post(url, {"decision": "approve"}).status_code == 403
    assert not Provider.objects.get(pk=pending.pk).is_active


def test_shops_sign_up_through_the_voucher_circuit(municipality):
    from django.core.exceptions import ValidationError

    from benecomune.marketplace.services.signup import sign_up

    values = form(municipality, provider_kind="shop")
    values["municipality"] = municipality
    with pytest.raises(ValidationError) as exc:
        sign_up(**values)
    assert (
        "I negozi aderiscono dal circuito dei buoni" in exc.value.message_dict["provider_kind"][0]
    )
    assert not Provider.objects.exists()
