"""A shop's promotions: the draft / published / withdrawn lifecycle with its audit events, the
dates (until not before from, not already over when publishing), the public page showing only
published offers within their dates, text escaped, the image checked, and another shop's
staff kept out (404)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benecomune.core.models import AuditEvent, Provider, Role
from benecomune.marketplace.models import Promotion, PromotionStatus
from benecomune.marketplace.services import promotions
from tests.marketplace.conftest import png

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def owner(make_actor, shop):
    return make_actor("titolare@bepi.example.org", Role.MERCHANT_STAFF, shop)


@pytest.fixture
def other_shop(network, other_municipality):
    return Provider.objects.create(
        name="Forno di Limena",
        slug="forno-limena",
        provider_kind="shop",
        category="bakery",
        vat_number="05678900282",
        network=network,
        municipality=other_municipality,
    )


def offer(actor, shop, *, start=0, end=10, title="Sconto del 10%", text="", **extra):
    today = timezone.localdate()
    return promotions.create_promotion(
        actor,
        shop,
        title=title,
        text=text,
        valid_from=today + start * DAY,
        valid_until=today + end * DAY,
        **extra,
    )


def test_draft_published_withdrawn_each_audited(owner, shop):
    promotion = offer(owner, shop)
    assert promotion.status == PromotionStatus.DRAFT
    promotions.publish_promotion(owner, promotion)
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.PUBLISHED and promotion.published_at
    promotions.withdraw_promotion(owner, promotion)
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.WITHDRAWN
    actions = list(
        AuditEvent.objects_unscoped.filter(object_id=str(promotion.pk))
        .order_by("pk")
        .values_list("action", "before", "after")
    )
    assert [a for a, _b, _c in actions] == [
        "marketplace.promotion_created",
        "marketplace.promotion_published",
        "marketplace.promotion_withdrawn",
    ]
    assert actions[1][1:] == ({"status": "draft"}, {"status": "published"})
    # Withdrawn is final: neither published again nor edited.
    with pytest.raises(ValidationError):
        promotions.publish_promotion(owner, promotion)
    with pytest.raises(ValidationError, match="ritirata"):
        promotions.update_promotion(
            owner,
            promotion,
            title="Di nuovo",
            valid_from=promotion.valid_from,
            valid_until=promotion.valid_until,
        )


def test_an_operator_publishes_too(owner, shop, make_actor):
    operator = make_actor("commessa@bepi.example.org", Role.MERCHANT_STAFF, shop)
    promotion = offer(operator, shop)
    promotions.publish_promotion(operator, promotion)
    assert Promotion.objects_unscoped.get(pk=promotion.pk).status == PromotionStatus.PUBLISHED


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5, 4, "non può venire prima dell'inizio"),
        (-10, -1, "già finita"),
        (0, 400, "al massimo un anno"),
    ],
)
def test_bad_dates_are_refused(owner, shop, start, end, message):
    with pytest.raises(ValidationError) as exc:
        offer(owner, shop, start=start, end=end)
    assert message in " ".join(exc.value.messages)
    assert not Promotion.objects_unscoped.exists()


def test_an_offer_over_is_not_published(owner, shop):
    today = timezone.localdate()
    promotion = offer(owner, shop, start=0, end=2)
    with pytest.raises(ValidationError, match="già finita"):
        promotions.publish_promotion(owner, promotion, today=today + 3 * DAY)
    assert Promotion.objects_unscoped.get(pk=promotion.pk).status == PromotionStatus.DRAFT


def test_a_title_is_required(owner, shop):
    with pytest.raises(ValidationError, match="titolo"):
        offer(owner, shop, title="   ")


def test_the_image_is_checked_and_reencoded(owner, shop):
    promotion = offer(owner, shop, image=png(3000, 1000), image_alt="Cassetta di mele")
    assert promotion.image and promotion.image_type == "image/png"
    assert max(promotion.image_width, promotion.image_height) == 1600
    fake = SimpleUploadedFile("x.png", b"<html>not an image</html>", content_type="image/png")
    with pytest.raises(ValidationError):
        offer(owner, shop, image=fake)
    assert Promotion.objects_unscoped.count() == 1


def test_another_shops_staff_may_not_touch_an_offer(owner, shop, other_shop, make_actor):
    stranger = make_actor("forno@example.org", Role.MERCHANT_STAFF, other_shop)
    promotion = offer(owner, shop)
    with pytest.raises(PermissionDenied):
        promotions.publish_promotion(stranger, promotion)
    with pytest.raises(PermissionDenied):
        offer(stranger, shop)


# --- pages -------------------------------------------------------------------------------------


def shop_page(client, shop):
    return client.get(f"/{shop.municipality.slug}/negozi/{shop.slug}/", secure=True)


def test_the_public_page_shows_published_offers_within_their_dates(client, owner, shop):
    draft = offer(owner, shop, title="Bozza segreta")
    live = offer(owner, shop, title="Offerta in corso")
    future = offer(owner, shop, start=5, end=9, title="Offerta futura")
    gone = offer(owner, shop, title="Offerta ritirata")
    for promotion in (live, future, gone):
        promotions.publish_promotion(owner, promotion)
    promotions.withdraw_promotion(owner, gone)
    html = shop_page(client, shop).content.decode()
    assert "Offerta in corso" in html
    for hidden in (draft, future, gone):
        assert hidden.title not in html
    # The last day still shows; the day after, it does not.
    today = timezone.localdate()
    assert list(promotions.current([shop], on=today + 10 * DAY)) == [live]
    assert list(promotions.current([shop], on=today + 11 * DAY)) == []


def test_text_is_escaped_on_every_page(client, owner, shop, staff_client):
    promotion = offer(
        owner,
        shop,
        title="<script>alert(1)</script>Sconto",
        text='Riga uno\n<img src=x onerror="alert(2)">',
    )
    promotions.publish_promotion(owner, promotion)
    html = shop_page(client, shop).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Sconto" in html
    assert "<img src=x" not in html and "Riga uno<br>&lt;img" in html
    home = client.get(f"/{shop.municipality.slug}/", secure=True).content.decode()
    assert "&lt;script&gt;alert(1)" in home and "<script>alert(1)" not in home
    staff, _user, _membership = staff_client(Role.MERCHANT_STAFF, shop)
    page = staff.get(f"/gestione/negozio/offerte/{promotion.pk}/", secure=True).content.decode()
    assert "<script>alert(1)" not in page


def test_the_public_image_only_while_the_offer_shows(client, owner, shop):
    promotion = offer(owner, shop, image=png(), image_alt="Pane")
    url = f"/{shop.municipality.slug}/negozi/{shop.slug}/offerte/{promotion.pk}/immagine/"
    assert client.get(url, secure=True).status_code == 404  # a draft
    promotions.publish_promotion(owner, promotion)
    response = client.get(url, secure=True)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    promotions.withdraw_promotion(owner, promotion)
    assert client.get(url, secure=True).status_code == 404


def test_the_staff_pages_create_publish_and_withdraw(staff_client, shop):
    client, _user, _membership = staff_client(Role.MERCHANT_STAFF, shop)
    today = timezone.localdate()
    response = client.post(
        "/gestione/negozio/offerte/",
        {
            "title": "Due per uno",
            "text": "Sul pane",
            "valid_from": today.isoformat(),
            "valid_until": (today + 5 * DAY).isoformat(),
        },
        secure=True,
    )
    promotion = Promotion.objects_unscoped.get(provider=shop)
    assert response.status_code == 302
    client.post(f"/gestione/negozio/offerte/{promotion.pk}/pubblica/", secure=True)
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.PUBLISHED
    client.post(f"/gestione/negozio/offerte/{promotion.pk}/ritira/", secure=True)
    promotion.refresh_from_db()
    assert promotion.status == PromotionStatus.WITHDRAWN
    listing = client.get("/gestione/negozio/offerte/", secure=True)
    assert "Due per uno" in listing.content.decode()
    bad = client.post(
        "/gestione/negozio/offerte/",
        {
            "title": "Date sbagliate",
            "valid_from": (today + 5 * DAY).isoformat(),
            "valid_until": today.isoformat(),
        },
        secure=True,
    )
    assert bad.status_code == 200 and "prima dell&#x27;inizio" in bad.content.decode()
    assert Promotion.objects_unscoped.count() == 1


def test_another_shops_staff_get_404_on_the_offer_pages(staff_client, owner, shop, other_shop):
    promotion = offer(owner, shop)
    client, _user, _membership = staff_client(Role.MERCHANT_STAFF, other_shop)
    base = f"/gestione/negozio/offerte/{promotion.pk}/"
    assert client.get(base, secure=True).status_code == 404
    assert client.post(base + "pubblica/", secure=True).status_code == 404
    assert client.post(base + "ritira/", secure=True).status_code == 404
    assert client.post(base, {"title": "Mia"}, secure=True).status_code == 404
    assert Promotion.objects_unscoped.get(pk=promotion.pk).status == PromotionStatus.DRAFT
    assert (
        "Sconto del 10%"
        not in client.get("/gestione/negozio/offerte/", secure=True).content.decode()
    )
