"""Open dataset "valore condiviso": per public project (Comune or network) and month, raised net
of voids (counted in the payment's month), disbursed, purchases and merchants; a month with
fewer than k merchants is reserved with a complementary month, a project with fewer than k
merchants in all is reserved whole; the catalogue lists it with every mandatory field.

Payments are made through the real services on three calendar months (the clock is moved
with `timezone.now`, which the ledger passes to its SQL function too)."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from benecomune.ledger.services import transfers, wallets
from benecomune.observatory.checks import min_cell_setting
from benecomune.observatory.services import dataset_shared_value, datasets
from benecomune.observatory.services import shared_value_routing as routing
from benecomune.observatory.services.catalogue import CC_BY_4, DCATAPIT, FILE_TYPE, FREQUENCY
from benecomune.observatory.services.datasets import SUPPRESSED, TOTAL
from benecomune.observatory.services.suppression import min_merchants
from tests.observatory import shared_value_helpers as h

pytestmark = pytest.mark.django_db
SLUG = "valore-condiviso"
R = SUPPRESSED


def _month_start(day: datetime.date, ahead: int) -> datetime.datetime:
    """Noon of the first day of the month `ahead` months after `day`'s."""
    month = day.month - 1 + ahead
    first = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time(12)))


@pytest.fixture
def moves(make_user, make_fund, make_wallet, make_provider, municipality, network,
          system_actor):  # fmt: skip
    """A Comune project with four shops at 10 %: month 1 all four pay € 10 (the fourth's is
    voided in month 2), month 2 one shop pays € 20, month 3 three pay € 5 and € 5 are
    disbursed. A network project with one shop (€ 10 in month 1)."""
    comune = h.comune_actor(make_user, municipality)
    project = h.project(comune, municipality, h.body(network, municipality))
    net = h.network_actor(make_user, network)
    net_project = h.project(net, network, h.body(network, municipality))
    shops = [make_provider(name=f"Bottega {i}", category="grocery") for i in range(5)]
    for shop in shops[:4]:
        h.agreement(comune, h.merchant_actor(make_user, shop), municipality, shop, project)
    h.agreement(net, h.merchant_actor(make_user, shops[4]), network, shops[4], net_project)
    fund = make_fund(1_000_000)
    wallet = make_wallet(fund, 100_000)
    keys = iter(range(100))

    def pay(shop, amount):
        key = f"odsv-{next(keys)}"
        return wallets.pay_from_wallet(system_actor, wallet=wallet, merchant=shop, amount=amount,
                                       idempotency_key=key)  # fmt: skip

    today = timezone.localdate()
    # Now (the agreements run from yesterday), then the first days of the next two months.
    months = [timezone.now(), _month_start(today, 1), _month_start(today, 2)]
    with mock.patch("django.utils.timezone.now", return_value=months[0]):
        first = [pay(shop, 1_000) for shop in shops]
    with mock.patch("django.utils.timezone.now", return_value=months[1]):
        pay(shops[0], 2_000)
        transfers.reverse(system_actor, first[3])
    with mock.patch("django.utils.timezone.now", return_value=months[2]):
        for shop in shops[:3]:
            pay(shop, 500)
        routing.disburse(comune, project, 500)
    h.sound()
    return {"project": project, "net_project": net_project,
            "months": [timezone.localtime(m).strftime("%Y-%m") for m in months]}  # fmt: skip


def _published(client) -> list[list[str]]:
    response = client.get(reverse("observatory:dataset_csv", args=[SLUG]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_with_small_months_reserved(client, moves, municipality, network):
    header, *rows = _published(client)
    assert header == list(dataset_shared_value.COLUMNS)
    project, m = moves["project"], moves["months"]
    label = ["comune", municipality.istat_code, municipality.name, str(project.pk), project.title]
    # Month 1: three shops (the fourth's payment was voided: counted against month 1) -> shown.
    # Month 2: one shop -> reserved; month 3 (three shops, the smallest) reserved with it so
    # the total does not give month 2 back; its disbursement stays public.
    assert rows[:4] == [
        [*label, m[0], "3.00", "0.00", "3", "3"],
        [*label, m[1], R, "0.00", R, R],
        [*label, m[2], R, "5.00", R, R],
        [*label, TOTAL, "6.50", "5.00", "7", "3"],
    ]
    # The network's project had one shop in all: reserved whole, total included.
    net_project = moves["net_project"]
    net_label = ["rete", "", network.name, str(net_project.pk), net_project.title]
    assert rows[4:] == [[*net_label, m[0], R, R, R, R], [*net_label, TOTAL, R, R, R, R]]


def test_a_lower_k_publishes_every_month(moves):
    # k below the floor is refused by the settings; the helper takes one for this test.
    rows = dataset_shared_value.rows(k=1)
    m = moves["months"]
    assert [r[5:] for r in rows[:4]] == [
        [m[0], "3.00", "0.00", "3", "3"],
        [m[1], "2.00", "0.00", "1", "1"],
        [m[2], "1.50", "5.00", "3", "3"],
        [TOTAL, "6.50", "5.00", "7", "3"],
    ]
    assert rows[4][5:] == [m[0], "1.00", "0.00", "1", "1"]


def test_the_merchants_threshold_has_a_floor(settings):
    assert min_merchants() == 3
    settings.OBSERVATORY_MIN_MERCHANTS = 2
    with pytest.raises(ImproperlyConfigured):
        min_merchants()
    assert any("OBSERVATORY_MIN_MERCHANTS" in e.msg for e in min_cell_setting(None))


def test_the_open_data_page_lists_it(client):
    text = client.get(reverse("observatory:open_data")).content.decode()
    assert reverse("observatory:dataset_csv", args=[SLUG]) in text
    assert "meno di 3 esercenti" in text


# --- DCAT-AP_IT: each mandatory field of the new dataset ------------------------------------


@pytest.fixture
def node(client):
    response = client.get(reverse("observatory:catalogue_ttl"))
    graph = Graph().parse(data=response.content.decode(), format="turtle")
    (found,) = [
        d for d in graph.subjects(RDF.type, DCATAPIT.Dataset)
        if str(graph.value(d, DCTERMS.identifier)) == "benecomune:" + SLUG
    ]  # fmt: skip
    return graph, found


def test_dcat_identifier_title_and_description(node):
    graph, found = node
    assert (found, RDF.type, DCAT.Dataset) in graph
    title = graph.value(found, DCTERMS.title)
    assert isinstance(title, Literal) and title.language == "it" and "Valore condiviso" in title
    assert "riservati" in str(graph.value(found, DCTERMS.description))
    assert SLUG in datasets.DATASETS


def test_dcat_modified_theme_and_periodicity(node):
    graph, found = node
    assert graph.value(found, DCTERMS.modified).datatype.endswith("#date")
    assert graph.value(found, DCAT.theme) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/SOCI"
    )
    assert graph.value(found, DCTERMS.accrualPeriodicity) == FREQUENCY["MONTHLY"]


def test_dcat_rights_holder_publisher_and_contact_point(node):
    graph, found = node
    for prop in (DCTERMS.rightsHolder, DCTERMS.publisher):
        agent = graph.value(found, prop)
        assert (agent, RDF.type, DCATAPIT.Agent) in graph
        assert graph.value(agent, FOAF.name) and graph.value(agent, DCTERMS.identifier)
    assert graph.value(found, DCAT.contactPoint) is not None


def test_dcat_distribution_format_url_and_licence(client, node):
    graph, found = node
    distribution = graph.value(found, DCAT.distribution)
    assert (distribution, RDF.type, DCATAPIT.Distribution) in graph
    assert graph.value(distribution, DCTERMS.format) == FILE_TYPE["CSV"]
    url = str(graph.value(distribution, DCAT.accessURL))
    assert url.endswith(reverse("observatory:dataset_csv", args=[SLUG]))
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    assert graph.value(distribution, DCTERMS.license) == URIRef(CC_BY_4)
