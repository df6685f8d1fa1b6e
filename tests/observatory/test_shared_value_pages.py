"""Shared value pages, used as a Comune admin, a merchant and an anonymous visitor would: the
Comune creates a project and proposes an agreement (a bad percentage gets an Italian message
and writes nothing), the merchant accepts it choosing not to be named, a payment then shows on
the public pages (accessible progress bar, no personal data); another Comune gets 404s."""

import pytest
from django.test import Client
from django.urls import reverse

from benecomune.core.models import Membership, Role
from benecomune.observatory.models import SharedValueAgreement, SocialProject
from benecomune.vouchers.services import redeem as redeem_services
from tests.helpers import login as login_as
from tests.observatory import shared_value_helpers as h
from tests.vouchers.conftest import new_key, qr

h.use_voucher_fixtures(globals())  # cashier, citizen, voucher, ... (tests/vouchers)

pytestmark = pytest.mark.django_db


def login(client, user):
    return login_as(client, user, Membership.objects.get(user=user))


@pytest.fixture
def comune_client(client, make_user, municipality):
    user = make_user(
        "sv-admin@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality
    )
    login(client, user)
    return client


def test_the_whole_journey(
    comune_client, make_user, municipality, network, member_shop, ctx,
    cashier_actor, voucher, citizen,
):  # fmt: skip
    body = h.body(network, municipality)
    page = comune_client.post(
        reverse("observatory:sv_project_create"),
        {
            "title": "Doposcuola solidale",
            "description": "Per i ragazzi.",
            "target_amount": "1.000,00",
            "beneficiary": body.pk,
            "beneficiary_iban": h.IBAN,
            "starts_on": "2026-01-01",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    project = SocialProject.objects_unscoped.get()
    comune_client.post(
        reverse("observatory:sv_project_status", args=[project.pk]), {"status": "active"}
    )
    form = {
        "merchant": member_shop.pk,
        "project": project.pk,
        "mode": "percent",
        "value_public": "2,345",
        "value_corporate": "0",
        "value_own": "0",
        "valid_from": "2026-01-01",
        "valid_until": "2030-12-31",
    }
    refused = comune_client.post(reverse("observatory:sv_agreement_create"), form)
    assert "al massimo due decimali" in refused.content.decode()
    assert not SharedValueAgreement.objects_unscoped.exists()
    form["value_public"] = "10"
    assert comune_client.post(reverse("observatory:sv_agreement_create"), form).status_code == 302
    agreement = SharedValueAgreement.objects_unscoped.get()
    assert not agreement.signed
    pdf = comune_client.get(reverse("observatory:sv_agreement_pdf", args=[agreement.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    shop_client = Client()
    login(shop_client, make_user("sv-shop@example.org", role=Role.MERCHANT_STAFF,
                                 organization=member_shop))  # fmt: skip
    listing = shop_client.get(reverse("observatory:sv_merchant"))
    assert "Doposcuola solidale" in listing.content.decode()
    shop_client.post(reverse("observatory:sv_merchant_accept", args=[agreement.pk]), {})
    agreement.refresh_from_db()
    assert agreement.signed and not agreement.named_publicly

    redeem_services.redeem(cashier_actor, ctx, amount=2_000, idempotency_key=new_key(),
                           code=qr(voucher))  # fmt: skip
    public = Client().get(reverse("observatory:sv_project", args=[project.pk]))
    text = public.content.decode()
    assert public.status_code == 200
    assert 'role="progressbar" aria-valuenow="0"' in text  # 2 euro of 1,000: 0 %
    assert "€ 2,00" in text and member_shop.name not in text
    assert "scelto di non comparire" in text
    assert citizen.last_name not in text
    comune_page = Client().get(reverse("observatory:sv_comune", args=[municipality.pk]))
    assert "Doposcuola solidale" in comune_page.content.decode()
    manage = comune_client.get(reverse("observatory:sv_manage"))
    assert "Eroga" in manage.content.decode()
    comune_client.post(reverse("observatory:sv_project_disburse", args=[project.pk]))
    assert (
        "€ 2,00"
        in Client().get(reverse("observatory:sv_project", args=[project.pk])).content.decode()
    )


def test_another_comune_gets_404(client, make_user, other_municipality, municipality, network):
    comune = h.comune_actor(make_user, municipality)
    project = h.project(comune, municipality, h.body(network, municipality))
    user = make_user(
        "sv-other@example.org", role=Role.MUNICIPALITY_ADMIN, organization=other_municipality
    )
    login(client, user)
    post = client.post(reverse("observatory:sv_project_disburse", args=[project.pk]))
    assert post.status_code == 404
    assert client.get(reverse("observatory:sv_manage")).content.decode().count(project.title) == 0


def test_a_draft_project_is_not_public(client, make_user, municipality, network):
    comune = h.comune_actor(make_user, municipality)
    project = h.project(comune, municipality, h.body(network, municipality))
    from benecomune.observatory.services import shared_value as sv

    draft = sv.create_project(
        comune, municipality, title="Bozza", description="", target_amount=100,
        beneficiary=project.beneficiary, starts_on=project.starts_on,
    )  # fmt: skip
    assert client.get(reverse("observatory:sv_project", args=[draft.pk])).status_code == 404
    assert client.get(reverse("observatory:sv_project", args=[project.pk])).status_code == 200
