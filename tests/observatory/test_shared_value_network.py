"""Network-level shared value (issue 19, point 1): the network's staff make social projects of
the network and propose agreements to the merchants of its member Comuni; the merchant accepts
them as a Comune's; payments at that merchant route the share to the network's project (void
and refunds give it back, `ledger_check` sound after each step). At most one agreement per
merchant per day, whichever the party. Each party manages its own projects only: a Comune's
staff get 404 on the network's, the network's staff on a Comune's, another network on both."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from benecomune.core.models import AuditEvent, Membership, Municipality, Network, Role
from benecomune.observatory.models import SharedValueAgreement, ShareMode, SocialProject
from benecomune.observatory.services import shared_value as sv
from benecomune.observatory.services import shared_value_routing as routing
from benecomune.vouchers.services import redeem as redeem_services
from benecomune.vouchers.services.authorisations import void_redemption
from tests.helpers import login as login_as
from tests.observatory import shared_value_helpers as h
from tests.vouchers.conftest import new_key, new_shop, qr

h.use_voucher_fixtures(globals())  # cashier, citizen, voucher, ... (tests/vouchers)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
sound, raised = h.sound, h.raised


@pytest.fixture
def net_actor(make_user, network):
    return h.network_actor(make_user, network)


@pytest.fixture
def net_project(net_actor, network, municipality):
    return h.project(net_actor, network, h.body(network, municipality))


@pytest.fixture
def net_signed(net_actor, make_user, network, member_shop, net_project):
    return h.agreement(net_actor, h.merchant_actor(make_user, member_shop), network,
                       member_shop, net_project)  # fmt: skip


@pytest.fixture
def other_network(db):
    other = Network.objects.create(name="Rete del Camposampierese", slug="rete-campo")
    town = Municipality.objects.create(
        name="Camposampiero", slug="camposampiero", istat_code="028020", network=other
    )
    return other, town


def propose(actor, party, shop, project, start, end):
    return sv.propose_agreement(
        actor, party, merchant=shop, project=project, mode=ShareMode.PERCENT,
        values={"value_public": "5"}, valid_from=start, valid_until=end,
    )  # fmt: skip


def login(user, organization, role):
    client = Client()
    membership = Membership.objects.get(user=user, organization=organization, role=role)
    return login_as(client, user, membership)


def staff(make_user, email, role, organization):
    """A new client logged in as a new user with `role` in `organization`."""
    return login(make_user(email, role=role, organization=organization), organization, role)


def sv_table(client):
    response = client.get("/osservatorio/", {"dal": "2000-01-01"})
    return next(t for t in response.context["tables"] if t.slug == "valore-condiviso")


# --- services: routing ----------------------------------------------------------------------


def test_a_network_project_raises_from_a_till_payment_and_gives_back_on_void(
    net_signed, net_project, network, ctx, cashier_actor, voucher
):
    assert net_project.organization_id == network.pk
    assert net_project.account.organization_id == network.pk
    redemption = redeem_services.redeem(
        cashier_actor, ctx, amount=2_000, idempotency_key=new_key(), code=qr(voucher)
    )
    sound()
    assert raised(net_project) == 200
    assert routing.share_of_payment(redemption.transfer) == (200, net_project)
    void_redemption(cashier_actor, ctx, redemption.pk, idempotency_key=new_key())
    sound()
    assert raised(net_project) == 0
    actions = set(
        AuditEvent.objects_unscoped.filter(organization=network).values_list("action", flat=True)
    )
    assert {"observatory.project_created", "observatory.project_opened",
            "observatory.agreement_created"} <= actions  # fmt: skip
    assert AuditEvent.objects_unscoped.filter(
        action="observatory.agreement_signed", object_id=str(net_signed.pk)
    ).exists()


def test_a_network_project_raises_from_an_order_and_refunds_give_it_back(
    system_actor, net_signed, net_project, member_shop, voucher, citizen
):
    from benecomune.payments.services import checkout, planning, refunds

    intent = checkout.create_intent(
        system_actor, buyer=citizen, payee=member_shop, amount=3_001,
        legs=[planning.wallet_leg(voucher, 3_001)], idempotency_key=new_key(),
        object_type="tests.order", object_id="1",
    )  # fmt: skip
    checkout.authorise(system_actor, intent)
    checkout.capture(system_actor, intent)
    sound()
    assert raised(net_project) == 300
    refunds.refund(system_actor, intent, 1_000, idempotency_key=new_key())
    sound()
    assert raised(net_project) == 300 - 300 * 1_000 // 3_001  # 201
    refunds.refund(system_actor, intent, idempotency_key=new_key())
    sound()
    assert raised(net_project) == 0


def test_the_network_disburses_its_project_through_its_own_payout_order(
    net_signed, net_project, net_actor, network, ctx, cashier_actor, voucher, comune
):
    redeem_services.redeem(cashier_actor, ctx, amount=5_000, idempotency_key=new_key(),
                           code=qr(voucher))  # fmt: skip
    with pytest.raises(PermissionDenied):
        routing.disburse(comune, net_project)
    order = routing.disburse(net_actor, net_project)
    assert (order.organization_id, order.amount) == (network.pk, 500)
    sound()


# --- services: rules --------------------------------------------------------------------------


def test_one_agreement_per_merchant_per_period_whichever_the_party(
    comune, net_actor, make_user, municipality, network, member_shop, net_project
):
    body = h.body(network, municipality)
    comune_project = h.project(comune, municipality, body)
    h.agreement(comune, h.merchant_actor(make_user, member_shop), municipality, member_shop,
                comune_project)  # fmt: skip
    # The Comune's agreement runs from yesterday for a year: the network's overlapping one is
    # refused, naming the Comune, and nothing is written.
    with pytest.raises(ValidationError, match="già un accordo") as refused:
        propose(net_actor, network, member_shop, net_project, TODAY + datetime.timedelta(days=30),
                TODAY + datetime.timedelta(days=60))  # fmt: skip
    assert municipality.name in str(refused.value)
    assert SharedValueAgreement.objects_unscoped.count() == 1
    # After it ends, the network may have the merchant; then the Comune may not.
    start = TODAY + datetime.timedelta(days=366)
    propose(net_actor, network, member_shop, net_project, start, start + datetime.timedelta(30))
    with pytest.raises(ValidationError, match=network.name):
        propose(comune, municipality, member_shop, comune_project, start,
                start + datetime.timedelta(days=5))  # fmt: skip
    assert SharedValueAgreement.objects_unscoped.count() == 2


def test_the_network_proposes_only_to_merchants_of_its_member_comuni(
    net_actor, network, net_project, other_network
):
    _other, town = other_network
    stranger = new_shop("Forno di Camposampiero", _other, town)
    with pytest.raises(ValidationError, match="Comune della rete"):
        propose(net_actor, network, stranger, net_project, TODAY, TODAY)
    assert not SharedValueAgreement.objects_unscoped.exists()
    assert stranger not in sv.merchants_of(network)


def test_each_party_acts_in_its_own_name_only(
    net_actor, comune, network, municipality, member_shop, net_project, make_user
):
    body = net_project.beneficiary
    kwargs = {"title": "X", "description": "", "target_amount": 100, "beneficiary": body,
              "starts_on": TODAY}  # fmt: skip
    with pytest.raises(PermissionDenied):
        sv.create_project(net_actor, municipality, **kwargs)  # the network for a member
    with pytest.raises(PermissionDenied):
        sv.create_project(comune, network, **kwargs)  # a Comune for its network
    with pytest.raises(PermissionDenied):
        sv.set_project_status(comune, net_project, "closed")
    proposed = propose(net_actor, network, member_shop, net_project, TODAY, TODAY)
    # The network's staff reach the member shops too, but may not sign for them.
    with pytest.raises(PermissionDenied):
        sv.accept_agreement(net_actor, proposed)
    assert sv.agreement_for(comune, proposed.pk) is None
    assert sv.agreement_for(net_actor, proposed.pk) == proposed
    sv.accept_agreement(h.merchant_actor(make_user, member_shop), proposed)
    assert SharedValueAgreement.objects_unscoped.get().signed


# --- pages ----------------------------------------------------------------------------------


def test_the_network_journey_through_the_pages(
    make_user, network, municipality, other_municipality, member_shop, ctx, cashier_actor,
    voucher, other_network,
):  # fmt: skip
    admin = make_user("rete-admin@example.org", role=Role.PLATFORM_ADMIN, organization=network)
    net_client = login(admin, network, Role.PLATFORM_ADMIN)
    body = h.body(network, municipality)
    made = net_client.post(
        reverse("observatory:sv_project_create"),
        {"title": "Emporio solidale di rete", "description": "Per le famiglie della rete.",
         "target_amount": "5.000,00", "beneficiary": body.pk, "beneficiary_iban": h.IBAN,
         "starts_on": "2026-01-01"},
    )  # fmt: skip
    assert made.status_code == 302, made.content.decode()[:2000]
    project = SocialProject.objects_unscoped.get()
    assert project.organization_id == network.pk
    net_client.post(reverse("observatory:sv_project_status", args=[project.pk]),
                    {"status": "active"})  # fmt: skip
    form_page = net_client.get(reverse("observatory:sv_agreement_create")).content.decode()
    assert member_shop.name in form_page
    stranger = new_shop("Forno di Camposampiero", *other_network)
    assert stranger.name not in form_page
    form = {"merchant": member_shop.pk, "project": project.pk, "mode": "percent",
            "value_public": "150", "value_corporate": "0", "value_own": "0",
            "valid_from": "2026-01-01", "valid_until": "2030-12-31"}  # fmt: skip
    refused = net_client.post(reverse("observatory:sv_agreement_create"), form)
    assert "tra 0 e 100" in refused.content.decode()
    assert not SharedValueAgreement.objects_unscoped.exists()
    form["value_public"] = "10"
    assert net_client.post(reverse("observatory:sv_agreement_create"), form).status_code == 302
    agreement = SharedValueAgreement.objects_unscoped.get()
    assert agreement.organization_id == network.pk
    pdf = net_client.get(reverse("observatory:sv_agreement_pdf", args=[agreement.pk]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Rete di prova (Rete di Comuni)" in text and member_shop.name in text
    manage = net_client.get(reverse("observatory:sv_manage")).content.decode()
    assert project.title in manage and member_shop.name in manage

    shop_user = make_user("rete-shop@example.org", role=Role.MERCHANT_STAFF,
                          organization=member_shop)  # fmt: skip
    shop_client = login(shop_user, member_shop, Role.MERCHANT_STAFF)
    listing = shop_client.get(reverse("observatory:sv_merchant")).content.decode()
    assert project.title in listing and network.name in listing
    shop_client.post(reverse("observatory:sv_merchant_accept", args=[agreement.pk]),
                     {"named_publicly": "on"})  # fmt: skip
    agreement.refresh_from_db()
    assert agreement.signed
    redeem_services.redeem(cashier_actor, ctx, amount=2_000, idempotency_key=new_key(),
                           code=qr(voucher))  # fmt: skip
    sound()

    public = Client().get(reverse("observatory:sv_project", args=[project.pk])).content.decode()
    assert "€ 2,00" in public and member_shop.name in public
    assert reverse("observatory:sv_network", args=[network.pk]) in public
    network_page = Client().get(reverse("observatory:sv_network", args=[network.pk]))
    assert network_page.status_code == 200 and project.title in network_page.content.decode()
    comune_page = Client().get(reverse("observatory:sv_comune", args=[municipality.pk]))
    text = comune_page.content.decode()
    assert comune_page.status_code == 200 and "Progetti della rete" in text
    assert project.title in text
    assert Client().get(reverse("observatory:sv_comune", args=[network.pk])).status_code == 404
    assert Client().get(reverse("observatory:sv_network", args=[municipality.pk])).status_code == (
        404
    )


def test_404_across_comune_and_networks(
    make_user, network, municipality, net_project, net_actor, comune, member_shop, other_network
):
    comune_project = h.project(comune, municipality, net_project.beneficiary)
    net_agreement = propose(net_actor, network, member_shop, net_project, TODAY, TODAY)
    other, _town = other_network
    comune_client = staff(make_user, "c@example.org", Role.MUNICIPALITY_ADMIN, municipality)
    net_client = staff(make_user, "n@example.org", Role.PLATFORM_ADMIN, network)
    other_client = staff(make_user, "o@example.org", Role.PLATFORM_ADMIN, other)
    pairs = [(comune_client, net_project), (net_client, comune_project),
             (other_client, net_project), (other_client, comune_project)]  # fmt: skip
    for client, project in pairs:
        for name in ("sv_project_status", "sv_project_disburse"):
            assert client.post(reverse(f"observatory:{name}", args=[project.pk]),
                               {"status": "closed"}).status_code == 404  # fmt: skip
        url = reverse("observatory:sv_project_beneficiary", args=[project.pk])
        assert client.get(url).status_code == 404

    def listed(client, project):
        page = client.get(reverse("observatory:sv_manage")).content.decode()
        return reverse("observatory:sv_project_beneficiary", args=[project.pk]) in page

    for client in (comune_client, other_client):
        pdf = reverse("observatory:sv_agreement_pdf", args=[net_agreement.pk])
        assert client.get(pdf).status_code == 404
        assert not listed(client, net_project)
    assert listed(comune_client, comune_project) and listed(net_client, net_project)
    assert not listed(net_client, comune_project)
    net_project.refresh_from_db()
    comune_project.refresh_from_db()
    assert net_project.status == comune_project.status == "active"


def test_dashboards_show_the_network_project_to_the_network_and_the_merchant(
    net_signed, net_project, network, member_shop, ctx, cashier_actor, voucher, make_user
):
    redeem_services.redeem(cashier_actor, ctx, amount=5_000, idempotency_key=new_key(),
                           code=qr(voucher))  # fmt: skip
    net_client = staff(make_user, "n@example.org", Role.PLATFORM_ADMIN, network)
    row = [net_project.title, network.name, 500, 0, net_project.target_amount]
    assert row in sv_table(net_client).rows
    shop_client = staff(make_user, "s@example.org", Role.MERCHANT_STAFF, member_shop)
    assert sv_table(shop_client).rows == [[net_project.title, network.name, 500]]
