"""The provider's catalogue pages: list, form (price typed "12,50"), HTML escaped, status
changes confirmed then POSTed, variants and photos; and cross-tenant: another provider's staff
get a 404 on every page of a service and change nothing."""

import pytest
from django.urls import reverse

from benecomune.core.models import AuditEvent
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import Service, ServicePhoto, ServiceStatus, ServiceVariant
from benecomune.marketplace.services import catalogue
from tests.helpers import login, tables_that_scroll_on_a_phone
from tests.marketplace.conftest import png
from tests.marketplace.test_catalogue import make_service
from tests.marketplace.test_search import publish_profile

pytestmark = pytest.mark.django_db


def form_data(**changes) -> dict:
    data = {
        "title": "Doposcuola",
        "description": "Compiti e studio.",
        "user_area": "family_minors",
        "service_type": "tutoring",
        "target_groups": ["minors"],
        "price_kind": "priced",
        "price": "12,50",
        "price_unit": "hour",
        "vat_note": "",
        "duration_minutes": "60",
        "delivery": "in_person",
        "payable_by": ["own"],
        "art51_category": "",
        "accreditation_area": "",
    }
    data.update(changes)
    return data


def test_create_from_the_page_with_an_italian_price_and_escaped_html(client, make_provider):
    provider, owner = make_provider()
    page = login(client, owner.user, owner.membership)
    assert page.get(reverse("marketplace:services")).status_code == 200
    response = page.post(
        reverse("marketplace:service_new"),
        form_data(description="<b>grassetto</b> <script>alert(1)</script>"),
    )
    assert response.status_code == 302
    service = Service.objects_unscoped.get(provider=provider)
    assert (service.price, service.status) == (1250, ServiceStatus.DRAFT)
    html = page.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert 'value="12,50"' in html
    listing = page.get(reverse("marketplace:services")).content.decode()
    assert "Doposcuola" in listing and "€ 12,50" in listing
    assert tables_that_scroll_on_a_phone(listing) == []  # each cell under its name on a phone


@pytest.mark.parametrize(
    ("price", "message"), [("-3", "maggiore di zero"), ("1,999", "al massimo due decimali")]
)
def test_bad_price_on_the_page_changes_nothing(client, make_provider, price, message):
    provider, owner = make_provider()
    service = make_service(owner, provider)
    page = login(client, owner.user, owner.membership)
    url = reverse("marketplace:service", args=[service.pk])
    response = page.post(url, form_data(price=price, title="Cambiato"))
    assert response.status_code == 200
    assert message in response.content.decode()
    service.refresh_from_db()
    assert (service.title, service.price) == ("Doposcuola", 1250)


def test_publish_and_archive_are_confirmed_then_posted(client, make_provider):
    provider, owner = make_provider()
    service = make_service(owner, provider, publish=False)
    page = login(client, owner.user, owner.membership)
    url = reverse("marketplace:service_action", args=[service.pk, "pubblica"])
    confirm = page.get(url)
    assert confirm.status_code == 200 and "Pubblicare il servizio?" in confirm.content.decode()
    service.refresh_from_db()
    assert service.status == ServiceStatus.DRAFT  # a GET changes nothing
    assert page.post(url).status_code == 302
    service.refresh_from_db()
    assert service.status == ServiceStatus.PUBLISHED
    detail = page.get(reverse("marketplace:service", args=[service.pk])).content.decode()
    assert "Riporta in bozza" in detail and "Ripristina in bozza" not in detail
    page.post(reverse("marketplace:service_action", args=[service.pk, "archivia"]))
    service.refresh_from_db()
    assert service.status == ServiceStatus.ARCHIVED
    detail = page.get(reverse("marketplace:service", args=[service.pk])).content.decode()
    assert "Ripristina in bozza" in detail and "Riporta in bozza" not in detail
    assert (
        page.get(reverse("marketplace:service_action", args=[service.pk, "vola"])).status_code
        == 404
    )


def test_variants_and_photos_from_the_page(client, make_provider):
    provider, owner = make_provider()
    service = make_service(owner, provider)
    page = login(client, owner.user, owner.membership)
    add = reverse("marketplace:service_variant_add", args=[service.pk])
    assert (
        page.post(add, {"label": "5 incontri", "price": "55", "sessions": "5"}).status_code == 302
    )
    bad = page.post(add, {"label": "10 incontri", "price": "-1", "sessions": ""})
    assert bad.status_code == 400 and "maggiore di zero" in bad.content.decode()
    assert ServiceVariant.objects_unscoped.filter(service=service).count() == 1
    photo = reverse("marketplace:service_photo_add", args=[service.pk])
    page.post(photo, {"image": png(2400, 1200, "foto.png"), "alt_text": "Bambini al tavolo"})
    stored = ServicePhoto.objects_unscoped.get(service=service)
    assert max(stored.width, stored.height) == 1600
    served = page.get(reverse("core:file", args=["marketplace-service-photo", stored.pk]))
    assert served.status_code == 200


def test_another_provider_gets_404_on_every_service_page(client, make_provider):
    provider, owner = make_provider()
    service = make_service(owner, provider)
    with all_tenants():
        variant = catalogue.add_variant(owner, service, label="5 incontri", price="50")
        photo = catalogue.add_photo(owner, service, png(), alt_text="Una foto")
    _other, stranger = make_provider()
    page = login(client, stranger.user, stranger.membership)
    events = AuditEvent.objects_unscoped.count()
    pk = service.pk
    gets = [
        reverse("marketplace:service", args=[pk]),
        reverse("marketplace:service_action", args=[pk, "archivia"]),
        reverse("core:file", args=["marketplace-service-photo", photo.pk]),
    ]
    for url in gets:
        assert page.get(url).status_code == 404, url
    posts = [
        (reverse("marketplace:service", args=[pk]), form_data(title="Preso")),
        (reverse("marketplace:service_action", args=[pk, "archivia"]), {}),
        (reverse("marketplace:service_action", args=[pk, "bozza"]), {}),
        (
            reverse("marketplace:service_variant_add", args=[pk]),
            {"label": "x", "price": "1", "sessions": ""},
        ),
        (reverse("marketplace:service_variant_remove", args=[pk, variant.pk]), {}),
        (reverse("marketplace:service_photo_add", args=[pk]), {"alt_text": "x", "image": png()}),
        (reverse("marketplace:service_photo_remove", args=[pk, photo.pk]), {}),
    ]
    for url, data in posts:
        assert page.post(url, data).status_code == 404, url
    service.refresh_from_db()
    assert (service.title, service.status) == ("Doposcuola", ServiceStatus.PUBLISHED)
    assert ServiceVariant.objects_unscoped.filter(service=service).count() == 1
    assert ServicePhoto.objects_unscoped.filter(service=service).count() == 1
    assert AuditEvent.objects_unscoped.count() == events
    # Their own list does not show it.
    assert "Doposcuola" not in page.get(reverse("marketplace:services")).content.decode()


def test_anonymous_and_citizens_are_kept_out(client, make_provider, make_user):
    provider, owner = make_provider()
    service = make_service(owner, provider)
    url = reverse("marketplace:service", args=[service.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/accedi/" in response["Location"]
    citizen = make_user("cittadino@example.org")
    page = login(client, citizen)
    assert page.get(url).status_code == 403
    assert page.get(reverse("marketplace:services")).status_code == 403


def test_an_unpublished_profile_is_named_where_a_service_is_published(client, make_provider):
    """The public pages hide the services of a provider whose profile is not published: the
    publication's confirmation and the service's page say so and link the profile."""
    provider, owner = make_provider()
    service = make_service(owner, provider, publish=False)
    page = login(client, owner.user, owner.membership)
    confirm_url = reverse("marketplace:service_action", args=[service.pk, "pubblica"])
    profile_link = f'href="{reverse("marketplace:profile")}">Pubblichi il profilo'
    assert profile_link in page.get(confirm_url).content.decode()
    page.post(confirm_url)
    detail_url = reverse("marketplace:service", args=[service.pk])
    assert profile_link in page.get(detail_url).content.decode()
    publish_profile(owner, provider)
    assert 'data-testid="profile-unpublished"' not in page.get(detail_url).content.decode()
    assert 'data-testid="profile-unpublished"' not in page.get(confirm_url).content.decode()
    # Published with a published profile: the staff page links the public one, which works.
    detail = page.get(detail_url).content.decode()
    public_url = reverse("marketplace:catalogue_service", args=[provider.network.slug, service.pk])
    assert f'href="{public_url}" data-testid="public-page"' in detail
    assert client.get(public_url).status_code == 200
