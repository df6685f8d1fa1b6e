"""The orders' pages and API: the "Ordina" button on the public service page, the checkout
page (wallets that pay and why the others do not, the proposal, one order on a double
submission, a split that does not add up), "I miei ordini" and the receipt, the provider's
list and actions, and 404 for another citizen's or another provider's order."""

import pytest
from django.urls import reverse

from benecomune.bookings.models import Order, OrderStatus, OwnMoney
from benecomune.bookings.services import order_delivery, orders
from benecomune.core.models import Membership, Role
from benecomune.core.scoping import all_tenants
from benecomune.core.services.tokens import create_api_token
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import available, new_key, nothing_made
from tests.helpers import login
from tests.marketplace.test_search import publish_profile

pytestmark = pytest.mark.django_db


def checkout_url(service):
    return reverse("bookings:order_new", args=[service.pk])


def wallets_order(citizen, buyer, service, wallets, *, how=OwnMoney.AT_PROVIDER):
    return orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split={wallets[0].pk: 2_000, wallets[1].pk: 1_500},
        own_amount=1_500,
        own_money=how,
        idempotency_key=new_key(),
    )


def staff_login(client, owner):
    membership = Membership.objects.get(user=owner.user, role=Role.PROVIDER_STAFF)
    return login(client, owner.user, membership)


def test_the_service_page_offers_to_order(client, seller, buyer_user, municipality):
    provider, owner, service = seller
    publish_profile(owner, provider)
    url = reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])
    anonymous = client.get(url).content.decode()
    assert "order-button" not in anonymous
    # An anonymous visitor is asked to log in and comes back to the checkout.
    assert 'data-testid="order-login"' in anonymous
    assert "?next=" + checkout_url(service) in anonymous
    login(client, buyer_user)
    html = client.get(url).content.decode()
    assert 'data-testid="order-button"' in html and checkout_url(service) in html


def test_the_checkout_page_shows_the_wallets_and_the_proposal(
    client, seller, buyer_user, wallets, make_wallet, make_fund, buyer
):
    _provider, _owner, service = seller
    empty = make_wallet(make_fund(0), 0, person=buyer)
    login(client, buyer_user)
    response = client.get(checkout_url(service))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="wallet_{wallets[0].pk}"' in html and 'value="20,00"' in html
    assert f'name="wallet_{wallets[1].pk}"' in html and 'value="15,00"' in html
    assert f'name="wallet_{empty.pk}"' not in html and "non ha saldo disponibile" in html
    assert 'name="own_amount"' in html and "Pagamento presso il fornitore" in html


def form(page_html_key, wallets, **changes):
    data = {
        "key": page_html_key,
        f"wallet_{wallets[0].pk}": "20,00",
        f"wallet_{wallets[1].pk}": "15,00",
        "own_amount": "15,00",
        "own_money": "online",
        "quantita": "1",
    }
    data.update(changes)
    return data


def test_a_double_submission_is_one_order_and_goes_to_the_payment(
    client, seller, buyer_user, wallets, hosted
):
    _provider, _owner, service = seller
    login(client, buyer_user)
    first = client.post(checkout_url(service), form("abc", wallets))
    second = client.post(checkout_url(service), form("abc", wallets))
    assert first.status_code == second.status_code == 302
    assert first.url == second.url and "/pagamenti/prova/" in first.url
    assert Order.objects_unscoped.count() == 1
    assert client.get(first.url).status_code == 200


def test_a_split_that_does_not_add_up_on_the_page(client, seller, buyer_user, wallets, hosted):
    _provider, _owner, service = seller
    login(client, buyer_user)
    response = client.post(checkout_url(service), form("k", wallets, own_amount="5,00"))
    assert response.status_code == 200
    assert "La ripartizione somma € 40,00 invece di € 50,00" in response.content.decode()
    response = client.post(checkout_url(service), form("k", wallets, own_amount="abc"))
    assert "Importo non valido" in response.content.decode()
    assert nothing_made(wallets)


def test_my_orders_and_the_receipt(client, seller, buyer, buyer_user, citizen, wallets):
    _provider, _owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    login(client, buyer_user)
    listing = client.get(reverse("bookings:my_orders")).content.decode()
    assert order.number in listing and "Assistenza domiciliare" in listing
    html = client.get(reverse("bookings:my_order", args=[order.pk])).content.decode()
    assert 'data-testid="receipt"' in html
    assert "20,00" in html and "15,00" in html and "presso il fornitore" in html
    pdf = client.get(reverse("bookings:my_order_receipt", args=[order.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    response = client.post(reverse("bookings:my_order_cancel", args=[order.pk]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and available(wallets[0]) == 2_000


def test_another_citizen_gets_404(
    client, seller, buyer, citizen, wallets, make_person, municipality, make_user
):
    _provider, _owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    other = make_user("altra@example.org", person=make_person(municipality, first_name="Anna"))
    login(client, other)
    assert client.get(reverse("bookings:my_order", args=[order.pk])).status_code == 404
    assert client.post(reverse("bookings:my_order_cancel", args=[order.pk])).status_code == 404
    assert client.get(reverse("bookings:my_order_receipt", args=[order.pk])).status_code == 404
    assert order.number not in client.get(reverse("bookings:my_orders")).content.decode()


def test_the_provider_delivers_cancels_and_refunds_from_its_pages(
    client, seller, buyer, citizen, wallets
):
    _provider, owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    staff_login(client, owner)
    listing = client.get(reverse("bookings:provider_orders"))
    assert order.number in listing.content.decode()
    csv = client.get(reverse("bookings:provider_orders"), {"formato": "csv"})
    assert "Assistenza domiciliare" in csv.content.decode()
    page = client.get(reverse("bookings:provider_order", args=[order.pk])).content.decode()
    pdf = client.get(reverse("bookings:provider_order_receipt", args=[order.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert 'data-testid="deliver"' in page and "Alla consegna incassi" in page
    refused = client.post(reverse("bookings:provider_order_cancel", args=[order.pk]), {})
    assert refused.status_code == 400
    client.post(reverse("bookings:provider_order_deliver", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    response = client.post(
        reverse("bookings:provider_order_refund", args=[order.pk]),
        {"key": "r1", "amount": "10,00", "reason": "Un'ora in meno"},
        follow=True,
    )
    assert "il denaro torna ai buoni da cui era venuto" in response.content.decode()
    order.intent.refresh_from_db()
    assert order.intent.refunded == 1_000
    too_much = client.post(
        reverse("bookings:provider_order_refund", args=[order.pk]),
        {"key": "r2", "amount": "100,00", "reason": "Troppo"},
    )
    assert too_much.status_code == 400 and "al massimo" in too_much.content.decode()


def test_another_providers_staff_gets_404(client, seller, buyer, citizen, wallets, make_provider):
    _provider, _owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    _other, stranger = make_provider()
    staff_login(client, stranger)
    for name in (
        "provider_order",
        "provider_order_receipt",
        "provider_order_deliver",
        "provider_order_cancel",
    ):
        method = (
            client.post
            if name in ("provider_order_deliver", "provider_order_cancel")
            else client.get
        )
        assert method(reverse(f"bookings:{name}", args=[order.pk])).status_code == 404
    assert order.number not in client.get(reverse("bookings:provider_orders")).content.decode()
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED


def test_the_api_for_the_providers_tokens(
    api_client, seller, buyer, citizen, wallets, make_provider
):
    provider, owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    second = orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split={},
        own_amount=5_000,
        own_money=OwnMoney.AT_PROVIDER,
        idempotency_key=new_key(),
    )
    with all_tenants():
        _token, clear = create_api_token(owner, provider, "Gestionale")
        other, stranger = make_provider()
        _t, other_clear = create_api_token(stranger, other, "Altro")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    rows = api_client.get("/api/v1/orders/received", **auth).json()
    assert {r["id"] for r in rows} == {order.pk, second.pk}
    assert api_client.get(f"/api/v1/orders/{order.pk}", **auth).json()["amount"] == 5_000
    no_key = api_client.post(f"/api/v1/orders/{order.pk}/deliver", **auth)
    assert no_key.status_code == 400
    done = api_client.post(f"/api/v1/orders/{order.pk}/deliver", HTTP_IDEMPOTENCY_KEY="d1", **auth)
    assert done.status_code == 200 and done.json()["captured"] == 3_500
    cancelled = api_client.post(
        f"/api/v1/orders/{second.pk}/cancel",
        {"reason": "Non presentato"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="c1",
        **auth,
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    # Another provider's token: not found, nothing changed.
    other_auth = {"HTTP_AUTHORIZATION": f"Bearer {other_clear}"}
    assert api_client.get(f"/api/v1/orders/{order.pk}", **other_auth).status_code == 404
    refund = api_client.post(
        f"/api/v1/orders/{order.pk}/refund",
        {"amount": 100, "reason": "x"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="r1",
        **other_auth,
    )
    assert refund.status_code == 404
    no_reason = api_client.post(
        f"/api/v1/orders/{order.pk}/refund",
        {"amount": 100},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="r2",
        **auth,
    )
    assert no_reason.status_code == 400 and "motivo" in no_reason.json()["message"]
    assert order_delivery.refundable(Order.objects_unscoped.get(pk=order.pk)) == 3_500


def test_a_delivered_order_leads_to_its_review(client, seller, buyer, buyer_user, citizen, wallets):
    _provider, owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    login(client, buyer_user)
    page = client.get(reverse("bookings:my_order", args=[order.pk])).content.decode()
    assert 'data-testid="write-review"' not in page  # not before delivery
    with all_tenants():
        order_delivery.deliver(owner, order)
    page = client.get(reverse("bookings:my_order", args=[order.pk])).content.decode()
    review_url = reverse("marketplace:my_review_new", args=["payments.intent", order.intent_id])
    assert f'href="{review_url}" data-testid="write-review"' in page
    answer = client.post(review_url, {"rating": "4", "comment": "Puntuali e gentili."})
    assert answer.status_code == 302
    page = client.get(reverse("bookings:my_order", args=[order.pk])).content.decode()
    assert 'data-testid="review-written"' in page and "4 su 5" in page
    assert 'data-testid="write-review"' not in page


def test_an_order_paid_at_the_provider_is_reviewable_once_delivered(
    client, seller, buyer, buyer_user, citizen
):
    _provider, owner, service = seller
    order = orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split={},
        own_amount=service.price,
        own_money=OwnMoney.AT_PROVIDER,
        idempotency_key=new_key(),
    )
    assert order.intent_id is None
    login(client, buyer_user)
    with all_tenants():
        order_delivery.deliver(owner, order)
    page = client.get(reverse("bookings:my_order", args=[order.pk])).content.decode()
    review_url = reverse("marketplace:my_review_new", args=["bookings.order", order.pk])
    assert f'href="{review_url}"' in page
    assert client.post(review_url, {"rating": "5", "comment": "Ottimo."}).status_code == 302
    assert "5 su 5" in client.get(reverse("bookings:my_order", args=[order.pk])).content.decode()
    assert service.title in client.get(reverse("marketplace:my_reviews")).content.decode()
    # One review per purchase: posting again changes nothing.
    client.post(review_url, {"rating": "1"})
    from benecomune.marketplace.models import Review

    assert list(Review.objects_unscoped.values_list("rating", flat=True)) == [5]


def test_the_providers_dashboard_counts_the_orders_to_deliver(
    client, seller, buyer, citizen, wallets
):
    _provider, owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    staff_login(client, owner)
    page = client.get(reverse("marketplace:dashboard")).content.decode()
    assert 'data-testid="bookings"' in page and "1 ordine da consegnare" in page
    assert "0 prenotazioni da confermare" in page
    with all_tenants():
        order_delivery.deliver(owner, order)
    page = client.get(reverse("marketplace:dashboard")).content.decode()
    assert "0 ordini da consegnare" in page
