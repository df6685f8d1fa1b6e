"""The catalogue's public pages under a Comune's slug: home, search with filters and paging,
a service's page (price, residents-only rule, who pays, accreditation badge, schema.org), a
provider's page, the public images (only of published services and profiles), the Comune
page's section and the citizen's entry. HTML in user text is escaped everywhere."""

import json
import re

import pytest
from django.urls import reverse

from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import ProviderImage, ServicePhoto
from benecomune.marketplace.services import catalogue, profiles
from tests.helpers import login
from tests.ledger.conftest import make_fund, make_wallet  # noqa: F401
from tests.marketplace.conftest import png
from tests.marketplace.test_catalogue import make_service
from tests.marketplace.test_search import publish_profile

pytestmark = pytest.mark.django_db
EVIL = "<script>alert(1)</script><b>grassetto</b>"


@pytest.fixture
def coop(accredited, municipality):
    """The accredited cooperative with its profile published (HTML in its description), a
    service at home with a photo, a logo."""
    provider, owner, _ = accredited
    publish_profile(owner, provider)
    with all_tenants():
        profile = profiles.profile_of(provider)
        data = {f: getattr(profile, f) for f in profiles.PROFILE_FIELDS}
        data.update(description=f"Chi siamo {EVIL}", contact_email="info@coop.example.org")
        profiles.update_profile(owner, provider, **data, municipalities_served=[])
        profiles.add_image(owner, provider, png(name="logo.png"), kind="logo", alt_text="Logo")
    service = make_service(
        owner,
        provider,
        title="Educativa domiciliare",
        description=f"Sostegno ai compiti {EVIL}",
        service_type="educational",
        price="25,00",
        delivery="at_home",
        municipalities_served=[municipality],
        vat_note="Esente IVA art. 10 DPR 633/72",
    )
    with all_tenants():
        catalogue.add_variant(owner, service, label="10 incontri", price="230,00", sessions=10)
        catalogue.add_photo(owner, service, png(name="foto.png"), alt_text="Un incontro")
    return provider, owner, service


def ld(html: str) -> dict:
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    assert "<script>alert" not in scripts[0]
    return json.loads(scripts[0])


def test_home_shows_categories_and_featured_cooperatives(client, coop, municipality):
    _provider, _owner, _service = coop
    html = client.get(reverse("marketplace:catalogue_home", args=[municipality.slug])).content
    html = html.decode()
    assert "Famiglia e minori" in html and "?area=family_minors" in html
    assert "Servizi educativi" in html and "?tipo=educational" in html
    featured = html.split('data-testid="featured"')[1]
    assert "Educativa domiciliare" in featured
    assert EVIL not in html


def test_search_page_filters_counts_and_pages(client, coop, municipality, network):
    provider, owner, _service = coop
    for n in range(21):
        make_service(owner, provider, title=f"Doposcuola {n:02d}", delivery="online")
    url = reverse("marketplace:catalogue_search", args=[municipality.slug])
    page = client.get(url, {"q": "doposcuola", "modalita": "online", "ordina": "name"})
    html = page.content.decode()
    assert "21 servizi trovati" in html and 'role="status"' in html
    assert "Doposcuola 00" in html and "Doposcuola 19" in html and "Doposcuola 20" not in html
    assert "modalita=online" in html and "page=2" in html  # the filters stay on the next page
    second = client.get(url, {"q": "doposcuola", "modalita": "online", "ordina": "name", "page": 2})
    assert "Doposcuola 20" in second.content.decode()
    at_home = client.get(url, {"modalita": "at_home"}).content.decode()
    assert "1 servizio trovato" in at_home and "Educativa domiciliare" in at_home
    cheap = client.get(url, {"prezzo_min": "0", "prezzo_max": "12,50"}).content.decode()
    assert "21 servizi trovati" in cheap and "Educativa domiciliare" not in cheap
    assert 'value="12,50"' in cheap
    # A wrong price is reported on its field; the search still runs without it.
    wrong = client.get(url, {"prezzo_max": "tanti"}).content.decode()
    assert "Scriva un importo in euro" in wrong and "22 servizi trovati" in wrong
    assert "<fieldset" in html and "<details" in html and "<legend" in html
    assert '<label for="id_modalita"' in html and 'id="id_modalita"' in html
    assert '<option value="online" selected>' in html
    # Under the network's slug: the same catalogue.
    network_page = client.get(
        reverse("marketplace:catalogue_search", args=[network.slug]), {"q": "doposcuola"}
    ).content.decode()
    assert "21 servizi trovati" in network_page
    assert EVIL not in html


def test_service_page(client, coop, municipality):
    provider, _owner, service = coop
    url = reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])
    html = client.get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and EVIL not in html
    assert "€ 25,00" in html and "10 incontri: € 230,00" in html
    assert "Esente IVA" in html
    assert "Solo ai residenti dei Comuni della rete" in html
    assert 'data-testid="accredited"' in html  # accredited in the family area
    assert "Sì: i contributi e i buoni dei Comuni della rete" in html
    assert "Sì: denaro proprio" in html
    assert (
        f"/area-personale/conversazioni/nuovo/{provider.pk}/?about=marketplace.service:{service.pk}"
        in html
    )
    data = ld(html)
    assert data["@type"] == "Service" and data["name"] == "Educativa domiciliare"
    assert data["provider"]["name"] == provider.name
    assert data["offers"] == {
        "@type": "Offer",
        "price": "25.00",
        "priceCurrency": "EUR",
        "availability": "https://schema.org/InStock",
    }
    assert data["areaServed"] == [{"@type": "City", "name": municipality.name}]
    assert data["description"].endswith(EVIL)  # the JSON keeps the text, escaped in the page


def test_unaccredited_area_online_and_price_on_request(client, coop, make_provider, municipality):
    provider, owner, _ = coop
    other = make_service(
        owner,
        provider,
        title="Consulenza online",
        delivery="online",
        accreditation_area="home",
        price_kind="on_request",
        price="",
        price_unit="",
    )
    html = client.get(
        reverse("marketplace:catalogue_service", args=[municipality.slug, other.pk])
    ).content.decode()
    assert "È un servizio online: è aperto a tutti." in html
    assert 'data-testid="accredited"' not in html
    assert "No: i contributi e i buoni dei Comuni: non ora" in html
    assert "offers" not in ld(html)


def test_hidden_services_and_providers_answer_404(client, coop, make_provider, municipality):
    provider, owner, service = coop
    draft = make_service(owner, provider, title="Bozza", publish=False)
    archived = make_service(owner, provider, title="Archiviato")
    with all_tenants():
        catalogue.archive(owner, archived)
    hidden, hidden_owner = make_provider(name="Profilo in bozza")
    unlisted = make_service(hidden_owner, hidden, title="Di un profilo non pubblicato")
    for pk in (draft.pk, archived.pk, unlisted.pk):
        url = reverse("marketplace:catalogue_service", args=[municipality.slug, pk])
        assert client.get(url).status_code == 404
    assert (
        client.get(
            reverse("marketplace:catalogue_provider", args=[municipality.slug, hidden.slug])
        ).status_code
        == 404
    )
    # A platform path is no Comune.
    assert client.get("/gestione/servizi/").status_code == 404
    assert client.get(f"/gestione/servizi/{service.pk}/").status_code == 404


def test_provider_page(client, coop, municipality):
    provider, _owner, service = coop
    html = client.get(
        reverse("marketplace:catalogue_provider", args=[municipality.slug, provider.slug])
    ).content.decode()
    assert "Chi siamo &lt;script&gt;" in html and EVIL not in html
    assert "info@coop.example.org" in html
    assert "Educativa domiciliare" in html
    assert "Famiglia" in html.split('data-testid="accreditations"')[1]
    logo = ProviderImage.objects_unscoped.get(provider=provider)
    assert (
        reverse(
            "marketplace:catalogue_provider_image", args=[municipality.slug, provider.slug, logo.pk]
        )
        in html
    )
    data = ld(html)
    assert data["@type"] == "Organization" and data["name"] == provider.name
    assert data["email"] == "info@coop.example.org"
    assert data["makesOffer"][0]["itemOffered"]["name"] == service.title
    assert "iban" not in html.lower()


def test_images_are_public_only_while_published(client, coop, municipality):
    provider, owner, service = coop
    photo = ServicePhoto.objects_unscoped.get(service=service)
    logo = ProviderImage.objects_unscoped.get(provider=provider)
    photo_url = reverse(
        "marketplace:catalogue_service_photo", args=[municipality.slug, service.pk, photo.pk]
    )
    logo_url = reverse(
        "marketplace:catalogue_provider_image", args=[municipality.slug, provider.slug, logo.pk]
    )
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(logo_url).status_code == 200
    # A photo asked through another service's address: 404.
    other = make_service(owner, provider, title="Altro")
    assert (
        client.get(
            reverse(
                "marketplace:catalogue_service_photo",
                args=[municipality.slug, other.pk, photo.pk],
            )
        ).status_code
        == 404
    )
    # Back to draft: the photo is no longer public; the profile unpublished: nor the logo.
    with all_tenants():
        catalogue.unpublish(owner, service)
        profile = profiles.profile_of(provider)
        data = {f: getattr(profile, f) for f in profiles.PROFILE_FIELDS}
        data["publication"] = "draft"
        profiles.update_profile(owner, provider, **data, municipalities_served=[])
    assert client.get(photo_url).status_code == 404
    assert client.get(logo_url).status_code == 404


def test_comune_page_section_and_citizen_entry(client, coop, municipality, make_person, make_user):
    _provider, _owner, _service = coop
    html = client.get(reverse("core:organization_home", args=[municipality.slug])).content
    html = html.decode()
    assert "Servizi del territorio" in html
    assert reverse("marketplace:catalogue_home", args=[municipality.slug]) in html
    assert "Educativa domiciliare" in html.split('data-testid="section-services"')[1]
    person = make_person(municipality)
    citizen = login(client, make_user("cittadino@example.org", person=person))
    home = citizen.get(reverse("core:home")).content.decode()
    assert reverse("marketplace:my_catalogue") in home
    response = citizen.get(reverse("marketplace:my_catalogue"))
    assert response["Location"] == reverse("marketplace:catalogue_home", args=[municipality.slug])


def test_a_citizen_sees_their_wallets_and_the_residents_rule(
    client,
    coop,
    network,
    municipality,
    make_person,
    make_user,
    make_fund,  # noqa: F811
    make_wallet,  # noqa: F811
):
    from benecomune.core.models import Municipality, Network

    _provider, _owner, service = coop
    resident = make_person(municipality)
    make_wallet(make_fund(10_000), 5_000, person=resident)
    page = login(client, make_user("residente@example.org", person=resident))
    html = page.get(
        reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])
    ).content.decode()
    assert "Buono spesa 2026: lo può pagare." in html
    search = page.get(
        reverse("marketplace:catalogue_search", args=[municipality.slug]), {"miei_buoni": "on"}
    ).content.decode()
    assert "Pagabili con i miei buoni" in search and "1 servizio trovato" in search
    page.logout()
    far = Network.objects.create(name="Rete lontana", slug="rete-lontana")
    town = Municipality.objects.create(
        name="Bassano",
        slug="bassano",
        istat_code="024012",
        cadastral_code="A703",
        province="VI",
        network=far,
    )
    outsider = make_person(town)
    page = login(client, make_user("lontano@example.org", person=outsider))
    html = page.get(
        reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])
    ).content.decode()
    assert "è riservato ai residenti dei Comuni della rete" in html
    assert "Non ha buoni con un saldo da spendere oggi." in html
    anonymous = client.get(reverse("marketplace:catalogue_search", args=[municipality.slug]))
    assert "miei_buoni" in anonymous.content.decode()  # still logged in as the outsider
    page.logout()
    anonymous = client.get(reverse("marketplace:catalogue_search", args=[municipality.slug]))
    assert "miei_buoni" not in anonymous.content.decode()


def test_a_food_voucher_is_not_said_to_pay_a_cooperatives_service(
    client,
    coop,
    municipality,
    make_person,
    make_user,
    make_fund,  # noqa: F811
    make_wallet,  # noqa: F811
):
    """The service page tells what the checkout will say: a voucher of a call limited to
    groceries cannot pay an educational service, with the call's reason; the search's
    "payable with my wallets" does not list it (the demo's food voucher was said to pay it)."""
    _provider, _owner, service = coop
    resident = make_person(municipality)
    make_wallet(make_fund(10_000), 5_000, person=resident, categories=["grocery"])
    page = login(client, make_user("residente@example.org", person=resident))
    html = page.get(
        reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])
    ).content.decode()
    assert "lo può pagare." not in html
    assert "Buono spesa 2026: Questo buono non si può usare per" in html
    search = page.get(
        reverse("marketplace:catalogue_search", args=[municipality.slug]), {"miei_buoni": "on"}
    ).content.decode()
    assert "Educativa domiciliare" not in search


def test_writing_to_the_provider_about_a_service(
    client, coop, municipality, make_person, make_user
):
    """The service page's "Scrivi al fornitore" opens a thread about that service; once the
    service is archived it can no longer be a new thread's subject."""
    from benecomune.marketplace.models import Thread

    provider, owner, service = coop
    person = make_person(municipality, first_name="Rosa", email="rosa@example.org")
    page = login(client, make_user("rosa@example.org", person=person))
    html = page.get(
        reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])
    ).content.decode()
    link = (
        re.search(r'href="([^"]*/conversazioni/nuovo/[^"]*)"', html).group(1).replace("&amp;", "&")
    )
    form = page.get(link)
    assert form.status_code == 200 and "Educativa domiciliare" in form.content.decode()
    sent = page.post(link, {"subject": "", "text": "Quando iniziate?"})
    assert sent.status_code == 302
    thread = Thread.objects_unscoped.get(person=person)
    assert (thread.provider_id, thread.about_type, thread.about_id) == (
        provider.pk,
        "marketplace.service",
        service.pk,
    )
    assert thread.subject == "Educativa domiciliare"
    with all_tenants():
        catalogue.archive(owner, service)
    assert page.get(link).status_code == 400
