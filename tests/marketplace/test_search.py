"""The catalogue's search (services/search.py) on both databases: a matrix of filters and text
over a catalogue made through the real services (sign-up, accreditation, catalogue, profile);
drafts, archived services, unpublished profiles and other networks never show; "payable with
my wallets" follows service_payment_refusal. PostgreSQL-only: Italian stemming and ranking."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from benecomune.core.models import Municipality, Network
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.models import PublicationStatus, Service
from benecomune.marketplace.queries import service_payment_refusal
from benecomune.marketplace.services import catalogue, profiles
from benecomune.marketplace.services.search import Filters, Sort, search
from benecomune.payments.services.planning import wallet_refusal
from tests.ledger.conftest import make_fund, make_wallet  # noqa: F401
from tests.marketplace.conftest import TODAY
from tests.marketplace.test_catalogue import make_service

pytestmark = pytest.mark.django_db


def publish_profile(owner, provider, *, served=()):
    profile = profiles.profile_of(provider)
    data = {f: getattr(profile, f) for f in profiles.PROFILE_FIELDS}
    data["publication"] = PublicationStatus.PUBLISHED
    with all_tenants():
        profiles.update_profile(owner, provider, **data, municipalities_served=list(served))


@pytest.fixture
def shelf(accredited, make_provider, municipality, other_municipality):
    """Provider A (accredited in the family area, seated in `municipality`), provider B (not
    accredited, same seat, serving `other_municipality` by its profile), provider C (profile
    not published). Returns {title: service}."""
    a, a_owner, _accreditation = accredited
    b, b_owner = make_provider(name="Progetto Sereno")
    c, c_owner = make_provider(name="Cooperativa Nascosta")
    publish_profile(a_owner, a)
    publish_profile(b_owner, b, served=[other_municipality])
    common = {"art51_category": "", "accreditation_area": ""}
    rows = [
        make_service(
            a_owner,
            a,
            title="Sostegno educativo a domicilio",
            description="Un'educatrice aiuta nei compiti e nell'organizzazione dello studio.",
            service_type="educational",
            target_groups=["minors", "pupils_bes"],
            price="25,00",
            delivery="at_home",
            municipalities_served=[municipality],
            payable_by=["public", "own"],
            art51_category="",
        ),
        make_service(
            a_owner,
            a,
            title="Doposcuola online",
            description="Lezioni in videochiamata per le scuole medie.",
            target_groups=["minors"],
            price="10,00",
            delivery="online",
        ),
        make_service(
            a_owner,
            a,
            **common,
            title="Laboratorio di lettura",
            description="Letture animate per i più piccoli.",
            service_type="labs",
            target_groups=["children_0_6"],
            price_kind="free",
            price="",
            price_unit="",
            payable_by=["own"],
        ),
        make_service(
            b_owner,
            b,
            title="Assistenza domiciliare anziani",
            description="Cura della persona e aiuto in casa.",
            user_area="elderly",
            service_type="home_care",
            target_groups=["elderly"],
            price="22,00",
            delivery="at_home",
            municipalities_served=[other_municipality],
            payable_by=["public", "own"],
            art51_category="",
            accreditation_area="home",
        ),
        make_service(
            b_owner,
            b,
            **common,
            title="Supporto psicologico",
            description="Colloqui individuali.",
            user_area="multi_user",
            service_type="psychological",
            target_groups=["adults"],
            price_kind="on_request",
            price="",
            price_unit="",
            payable_by=["own"],
        ),
        make_service(b_owner, b, title="Centro estivo educativo", publish=False),
        make_service(c_owner, c, title="Educativa domiciliare nascosta"),
    ]
    archived = make_service(b_owner, b, title="Doposcuola archiviato")
    with all_tenants():
        catalogue.archive(b_owner, archived)
    return {s.title: s for s in rows}


VISIBLE = {
    "Sostegno educativo a domicilio",
    "Doposcuola online",
    "Laboratorio di lettura",
    "Assistenza domiciliare anziani",
    "Supporto psicologico",
}


def titles(network, **filters) -> set[str]:
    return set(search(network, Filters(**filters), on=TODAY).values_list("title", flat=True))


def test_filter_matrix(shelf, network, municipality, other_municipality):
    """Each row: filters -> the titles found. The same table on SQLite and PostgreSQL."""
    cases = [
        ({}, VISIBLE),
        (
            {"user_area": "family_minors"},
            VISIBLE - {"Assistenza domiciliare anziani"} - {"Supporto psicologico"},
        ),
        ({"service_type": "tutoring"}, {"Doposcuola online"}),
        ({"target_group": "minors"}, {"Sostegno educativo a domicilio", "Doposcuola online"}),
        ({"target_group": "pupils_bes"}, {"Sostegno educativo a domicilio"}),
        ({"target_group": "caregivers"}, set()),
        (
            {"delivery": "at_home"},
            {"Sostegno educativo a domicilio", "Assistenza domiciliare anziani"},
        ),
        ({"delivery": "online"}, {"Doposcuola online"}),
        (
            {"municipality": municipality},
            {
                "Sostegno educativo a domicilio",
                "Doposcuola online",
                "Laboratorio di lettura",
                "Supporto psicologico",
            },
        ),
        (
            {"municipality": other_municipality},
            {"Doposcuola online", "Assistenza domiciliare anziani", "Supporto psicologico"},
        ),
        (
            {"price_min": 1000, "price_max": 2200},
            {"Doposcuola online", "Assistenza domiciliare anziani"},
        ),
        ({"price_max": 1500}, {"Doposcuola online", "Laboratorio di lettura"}),
        ({"price_min": 2300}, {"Sostegno educativo a domicilio"}),
        ({"text": "compiti"}, {"Sostegno educativo a domicilio"}),
        ({"text": "Doposcuola"}, {"Doposcuola online"}),
        ({"text": "sereno"}, {"Assistenza domiciliare anziani", "Supporto psicologico"}),
        ({"text": "colloqui individuali"}, {"Supporto psicologico"}),
        ({"text": "colloqui compiti"}, set()),  # every word must match
        ({"text": "nascosta"}, set()),  # a draft profile's services never show
        ({"text": "archiviato"}, set()),
        ({"text": "estivo"}, set()),  # a draft
        ({"text": "lezioni", "delivery": "at_home"}, set()),
        (
            {"text": "aiuto", "municipality": other_municipality},
            {"Assistenza domiciliare anziani"},
        ),
        (
            {"user_area": "family_minors", "delivery": "online", "price_max": 1000},
            {"Doposcuola online"},
        ),
    ]
    wrong = []
    for filters, expected in cases:
        found = titles(network, **filters)
        if found != expected:
            wrong.append((filters, sorted(found), sorted(expected)))
    assert wrong == [], f"on {connection.vendor}"


def test_a_comune_searches_its_network_and_not_another(shelf, network, municipality):
    assert titles(municipality) == VISIBLE
    other = Network.objects.create(name="Altra rete", slug="altra-rete")
    Municipality.objects.create(
        name="Cittadella",
        slug="cittadella",
        istat_code="028032",
        cadastral_code="C743",
        province="PD",
        network=other,
    )
    assert titles(other) == set()


def test_sorting(shelf, network):
    by_price = list(
        search(network, Filters(sort=Sort.PRICE_ASC), on=TODAY).values_list("title", flat=True)
    )
    # Free has no price: with "price on request", after the priced ones (nulls last).
    assert by_price[:3] == [
        "Doposcuola online",
        "Assistenza domiciliare anziani",
        "Sostegno educativo a domicilio",
    ]
    by_price_desc = list(
        search(network, Filters(sort=Sort.PRICE_DESC), on=TODAY).values_list("title", flat=True)
    )
    assert by_price_desc[:3] == by_price[:3][::-1]
    by_name = list(
        search(network, Filters(sort=Sort.NAME), on=TODAY).values_list("title", flat=True)
    )
    assert by_name == sorted(VISIBLE)
    newest = list(search(network, Filters(sort=Sort.NEWEST), on=TODAY).values_list("pk", flat=True))
    assert newest[0] == shelf["Supporto psicologico"].pk


def test_payable_with_my_wallets(shelf, network, municipality, make_person, make_fund, make_wallet):  # noqa: F811
    """A Comune's award pays only services accepting public wallets of providers accredited in
    the service's area: A's two (family area), not B's (not accredited); the same answer as
    service_payment_refusal for every visible service."""
    person = make_person(municipality)
    assert titles(network, wallets_of=person) == set()  # no wallets: nothing
    empty = make_wallet(make_fund(0), 0, person=person)
    assert titles(network, wallets_of=person) == set()  # a wallet without money
    wallet = make_wallet(make_fund(10_000), 5_000, person=person)
    found = titles(network, wallets_of=person)
    assert found == {"Sostegno educativo a domicilio", "Doposcuola online"}
    assert_checkout_agrees(wallet, found)
    assert service_payment_refusal(empty, shelf["Doposcuola online"], on=TODAY) is None
    # Combined with another filter.
    assert titles(network, wallets_of=person, delivery="online") == {"Doposcuola online"}


def assert_checkout_agrees(wallet, found):
    """The filter's answer is the checkout's for every visible service: the wallet's spending
    policy, then the service's purchase rule (payments' `wallet_refusal`)."""
    for service in Service.objects_unscoped.filter(title__in=VISIBLE).select_related("provider"):
        refusal = wallet_refusal(wallet, service.provider, TODAY, "marketplace.service", service.pk)
        assert (refusal is None) == (service.title in found), (service.title, refusal)


def test_payable_with_my_wallets_follows_the_awards_own_rules(
    shelf,
    network,
    municipality,
    other_municipality,
    make_person,
    make_fund,  # noqa: F811
    make_wallet,  # noqa: F811
):
    """A food voucher (the call's merchant categories: groceries) pays no service of a
    cooperative, accredited or not; nor does an award valid only in another Comune. The
    demo's food voucher was listed as paying an educational service that its checkout then
    refused."""
    person = make_person(municipality)
    food = make_wallet(make_fund(10_000), 5_000, person=person, categories=["grocery"])
    assert titles(network, wallets_of=person) == set()
    assert_checkout_agrees(food, set())
    elsewhere = make_wallet(make_fund(10_000), 5_000, person=person, territory=[other_municipality])
    assert titles(network, wallets_of=person) == set()
    assert_checkout_agrees(elsewhere, set())
    provider_category = shelf["Doposcuola online"].provider.category
    fitting = make_wallet(
        make_fund(10_000), 5_000, person=person, categories=[provider_category, "grocery"]
    )
    found = titles(network, wallets_of=person)
    assert found == {"Sostegno educativo a domicilio", "Doposcuola online"}
    assert_checkout_agrees(fitting, found)


@pytest.mark.postgres
def test_italian_stemming_and_ranking(shelf, network, accredited):
    provider, owner, _ = accredited
    make_service(
        owner,
        provider,
        title="Centro diurno",
        description="Attività educative e percorsi educativi per ragazzi.",
        service_type="camps",
    )
    # "educativo" finds "educativa", "educative", "educativi" (the Italian stemmer).
    found = titles(network, text="educativo")
    assert {"Sostegno educativo a domicilio", "Centro diurno"} <= found
    assert titles(network, text="educativa") == found
    assert titles(network, text="domicilio") == {
        "Sostegno educativo a domicilio",
        "Assistenza domiciliare anziani",
    }
    # Category labels (weight C) are searched too: "Laboratori" is the type's label.
    assert "Laboratorio di lettura" in titles(network, text="laboratori")
    # A title match (A) ranks above a description match (B).
    ranked = list(
        search(network, Filters(text="educativo"), on=TODAY).values_list("title", flat=True)
    )
    assert ranked.index("Sostegno educativo a domicilio") < ranked.index("Centro diurno")


@pytest.mark.postgres
def test_vector_follows_edits_and_the_providers_new_name(shelf, network, accredited):
    provider, owner, _ = accredited
    assert titles(network, text="girasole") == set()
    provider.name = "Cooperativa Il Girasole"
    provider.save()
    assert titles(network, text="girasole") == {
        "Sostegno educativo a domicilio",
        "Doposcuola online",
        "Laboratorio di lettura",
    }
    service = shelf["Doposcuola online"]
    with all_tenants():
        data = {
            "title": "Ripetizioni online",
            "description": "Matematica e italiano.",
            "user_area": "family_minors",
            "service_type": "tutoring",
            "target_groups": ["minors"],
            "price": "10,00",
            "price_unit": "hour",
            "delivery": "online",
            "payable_by": ["own"],
        }
        catalogue.update_service(owner, service, **data)
    assert titles(network, text="matematica") == {"Ripetizioni online"}
    assert titles(network, text="videochiamata") == set()


def test_the_demo_catalogue_is_public(db):
    """The demo publishes its providers' profiles: the public pages show their services."""
    call_command("seed_demo", stdout=io.StringIO())
    network = Network.objects.order_by("pk").first()
    found = titles(network)
    assert {"Assistenza domiciliare", "Pomeriggi di socializzazione"} <= found
    assert "Sostegno psicologico per anziani" in titles(network, text="psicologico")
