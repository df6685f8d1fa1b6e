# ruff: noqa: F811 (the fixtures imported from the helpers are used by name)
"""The reviews' pages: the citizen's purchases and form, the provider's list with its answer
form, the network's moderation, the public pages (escaped text, first name and initial only,
JSON-LD only with reviews) and the provider's dashboard; another provider's staff and another
network's administrators get 404."""

import json
import re

import pytest
from django.urls import reverse

from benecomune.core.models import Membership, Role
from benecomune.marketplace.models import Review, ReviewStatus
from benecomune.marketplace.services import reviews as services
from tests.helpers import actor_for, login
from tests.marketplace.reviews_helpers import (  # noqa: F401 (fixtures)
    buy,
    coop,
    other_network_admin,
    review,
)
from tests.marketplace.threads_helpers import citizen, desk, other_citizen  # noqa: F401
from tests.payments.conftest import fake_gateway  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_gateway")]


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def service_url(municipality, service) -> str:
    return reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])


def provider_url(municipality, provider) -> str:
    return reverse("marketplace:catalogue_provider", args=[municipality.slug, provider.slug])


def test_the_citizen_lists_purchases_and_writes_a_review(client, citizen, coop):
    person, user, _actor = citizen
    _provider, _owner, service = coop
    intent = buy(person, service)
    buy(person, service, capture=False)  # not completed: not listed
    page = login(client, user)
    listing = page.get(reverse("marketplace:my_reviews")).content.decode()
    assert listing.count('data-testid="purchase"') == 1
    form_url = reverse("marketplace:my_review_new", args=["payments.intent", intent.pk])
    assert form_url in listing and "Scrivi una recensione" in listing
    form = page.get(form_url).content.decode()
    # The stars: a fieldset with its legend, one radio per rating, labelled in words.
    assert "<legend" in form and "Valutazione" in form and "5 stelle su 5" in form
    assert form.count('type="radio"') == 5
    bad = page.post(form_url, {"rating": "9", "comment": "x"})
    assert bad.status_code == 400 and not Review.objects_unscoped.exists()
    response = page.post(form_url, {"rating": "4", "comment": "Bravi"})
    assert response.status_code == 302
    written = Review.objects_unscoped.get()
    assert (written.rating, written.comment, written.person_id) == (4, "Bravi", person.pk)
    listing = page.get(reverse("marketplace:my_reviews")).content.decode()
    assert 'data-testid="my-review"' in listing and "Scrivi una recensione" not in listing
    # Again: the page says it is done, a POST writes nothing.
    again = page.post(form_url, {"rating": "1", "comment": "Altro"})
    assert "una sola recensione" in again.content.decode()
    assert Review.objects_unscoped.count() == 1
    nav = page.get(reverse("marketplace:my_reviews")).content.decode()
    assert "Le mie recensioni" in nav


def test_another_citizens_purchase_is_a_404(client, citizen, other_citizen, coop):
    person, _user, _actor = citizen
    other, other_user, _other_actor = other_citizen
    intent = buy(person, coop[2])
    uncaptured = buy(other, coop[2], capture=False)
    page = login(client, other_user)
    url = reverse("marketplace:my_review_new", args=["payments.intent", intent.pk])
    assert page.get(url).status_code == 404
    assert page.post(url, {"rating": "5"}).status_code == 404
    # Their own purchase, not captured: 404 too; an unknown source: 404.
    own = reverse("marketplace:my_review_new", args=["payments.intent", uncaptured.pk])
    assert page.get(own).status_code == 404
    assert page.get(reverse("marketplace:my_review_new", args=["x.y", "1"])).status_code == 404
    assert not Review.objects_unscoped.exists()


def test_the_provider_answers_once_from_its_page(client, citizen, coop, make_provider):
    person, _user, actor = citizen
    _provider, owner, service = coop
    written = review(actor, buy(person, service), rating=3, comment="Discreto")
    page = login(client, owner.user, owner.membership)
    html = page.get(reverse("marketplace:provider_reviews")).content.decode()
    assert "Discreto" in html and "Anna B." in html and "Bianchi" not in html
    assert person.fiscal_code not in html
    answer_url = reverse("marketplace:provider_review_answer", args=[written.pk])
    assert answer_url in html
    assert page.post(answer_url, {"text": "Grazie, miglioreremo"}).status_code == 302
    written.refresh_from_db()
    assert written.answer == "Grazie, miglioreremo"
    response = page.post(answer_url, {"text": "Ancora"}, follow=True)
    assert "una volta" in response.content.decode()
    written.refresh_from_db()
    assert written.answer == "Grazie, miglioreremo"
    html = page.get(reverse("marketplace:provider_reviews")).content.decode()
    assert answer_url not in html and 'data-testid="answer"' in html
    # The dashboard: count and average.
    board = page.get(reverse("marketplace:dashboard")).content.decode()
    assert "3,0 su 5" in board and "1 recensione" in board


def test_another_providers_staff_get_404(client, citizen, coop, make_provider):
    person, _user, actor = citizen
    written = review(actor, buy(person, coop[2]), comment="Segreto del fornitore A")
    _other, other_owner = make_provider()
    page = login(client, other_owner.user, other_owner.membership)
    html = page.get(reverse("marketplace:provider_reviews")).content.decode()
    assert "Segreto del fornitore A" not in html
    url = reverse("marketplace:provider_review_answer", args=[written.pk])
    assert page.post(url, {"text": "Intrusione"}).status_code == 404
    written.refresh_from_db()
    assert written.answer == ""


def test_the_network_hides_a_review_off_the_public_pages(
    client, citizen, coop, admins, municipality, other_network_admin
):
    person, _user, actor = citizen
    provider, _owner, service = coop
    written = review(actor, buy(person, service), rating=1, comment="Insulti")
    review(actor, buy(person, service), rating=4, comment="Gentili")
    public = client.get(service_url(municipality, service)).content.decode()
    assert "Insulti" in public and "2,5 su 5" in public
    # Another network's administrator: not in their list, 404 on the action.
    outsider = other_network_admin
    page = login(client, outsider.user, outsider.membership)
    assert "Insulti" not in page.get(reverse("marketplace:network_reviews")).content.decode()
    moderate = reverse("marketplace:network_review_moderate", args=[written.pk])
    assert page.post(moderate, {"azione": "nascondi", "reason": "x"}).status_code == 404
    # The provider's network hides it (a reason is required).
    admin = admins[0]
    page = login(client, admin.user, admin.membership)
    listing = page.get(reverse("marketplace:network_reviews")).content.decode()
    assert "Insulti" in listing and moderate in listing
    page.post(moderate, {"azione": "nascondi", "reason": ""})
    written.refresh_from_db()
    assert written.status == ReviewStatus.PUBLISHED
    response = page.post(moderate, {"azione": "nascondi", "reason": "Linguaggio offensivo"})
    assert response.status_code == 302
    written.refresh_from_db()
    assert written.status == ReviewStatus.HIDDEN
    hidden_list = page.get(reverse("marketplace:network_reviews") + "?stato=hidden")
    assert "Linguaggio offensivo" in hidden_list.content.decode()
    client.logout()
    for url in (service_url(municipality, service), provider_url(municipality, provider)):
        html = client.get(url).content.decode()
        assert "Insulti" not in html and "Gentili" in html
        assert "4,0 su 5" in html and "1 recensione" in html
        assert json_ld(html)["aggregateRating"]["reviewCount"] == 1
    # Restored: back on the page.
    page = login(client, admin.user, admin.membership)
    page.post(moderate, {"azione": "ripubblica", "reason": "Riesaminata"})
    client.logout()
    assert "Insulti" in client.get(service_url(municipality, service)).content.decode()


def test_the_public_page_escapes_and_names_only_first_name_and_initial(
    client, citizen, coop, municipality
):
    person, _user, actor = citizen
    provider, owner, service = coop
    empty = client.get(service_url(municipality, service)).content.decode()
    assert "Ancora nessuna recensione" in empty
    assert "aggregateRating" not in json_ld(empty)
    written = review(
        actor, buy(person, service), rating=5, comment='<script>alert("x")</script> <b>ok</b>'
    )
    services.answer_review(owner, written, text="<i>Grazie</i>")
    for url in (service_url(municipality, service), provider_url(municipality, provider)):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(" in html and '<script>alert("x")' not in html
        assert "&lt;i&gt;Grazie&lt;/i&gt;" in html
        assert "Anna B." in html and "Bianchi" not in html and person.fiscal_code not in html
        data = json_ld(html)
        assert data["aggregateRating"] == {
            "@type": "AggregateRating",
            "ratingValue": "5.0",
            "reviewCount": 1,
            "bestRating": 5,
            "worstRating": 1,
        }
        (item,) = data["review"]
        assert item["author"]["name"] == "Anna B." and item["reviewRating"]["ratingValue"] == 5
        # In the JSON-LD the markup characters are escaped, so the script cannot be closed.
        assert "</script> <b>" not in html.split("application/ld+json")[1].split("</script>")[0]


def test_the_nav_entries(client, citizen, coop, admins):
    _person, user, _actor = citizen
    _provider, owner, _service = coop
    assert 'href="/area-personale/recensioni/"' in login(client, user).get("/").content.decode()
    page = login(client, owner.user, owner.membership)
    html = page.get(reverse("marketplace:dashboard")).content.decode()
    assert reverse("marketplace:provider_reviews") in html
    admin = admins[0]
    membership = Membership.objects.get(user=admin.user, role=Role.PLATFORM_ADMIN)
    page = login(client, admin.user, membership)
    html = page.get(reverse("marketplace:network_home")).content.decode()
    assert reverse("marketplace:network_reviews") in html


def test_the_desk_writes_a_review_for_a_resident(
    client, citizen, coop, desk, make_user, other_municipality
):
    person, _user, _actor = citizen
    intent = buy(person, coop[2])
    page = login(client, desk.user, desk.membership)
    threads = page.get(reverse("marketplace:desk_threads", args=[person.pk])).content.decode()
    listing_url = reverse("marketplace:desk_reviews", args=[person.pk])
    assert listing_url in threads
    form_url = reverse(
        "marketplace:desk_review_new", args=[person.pk, "payments.intent", intent.pk]
    )
    assert form_url in page.get(listing_url).content.decode()
    assert "Per conto di Anna Bianchi" in page.get(form_url).content.decode()
    # Without the consent: told, nothing written.
    response = page.post(form_url, {"rating": "5", "comment": "Bene"})
    assert response.status_code == 400 and "consenso" in response.content.decode()
    assert not Review.objects_unscoped.exists()
    response = page.post(
        form_url, {"rating": "5", "comment": "Bene", "consent_note": "Di persona, con documento"}
    )
    assert response.status_code == 302 and response["Location"] == listing_url
    written = Review.objects_unscoped.get()
    assert written.on_behalf and written.created_by == desk.user and written.person == person
    # Another Comune's desk: 404 on the resident's pages.
    user = make_user(
        "altro.sportello@example.org", role=Role.DESK_OPERATOR, organization=other_municipality
    )
    other_desk = actor_for(user, Role.DESK_OPERATOR, other_municipality)
    page = login(client, user, other_desk.membership)
    assert page.get(listing_url).status_code == 404
    assert page.get(form_url).status_code == 404
