"""Open dataset "valore condiviso": per public project (Comune or network) and month, raised net
of voids (counted in the payment's month), disbursed, purchases and merchants; a month with
fewer than k merchants is reserved with a complementary month, a project with fewer than k
merchants in all is reserved whole; the catalogue lists it with every mandatory field. The
public project page's month-by-month table shows the same figures, reserved the same way.

Payments are made through the real services on three calendar months (the clock is moved
with `timezone.now`, which the ledger passes to its SQL function too)."""

import csv
import datetime
import io
from unittest import mock

import lxml.html
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import override
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from benecomune.ledger.services import transfers
from benecomune.observatory.checks import min_cell_setting
from benecomune.observatory.services import dataset_shared_value, datasets
from benecomune.observatory.services import shared_value_routing as routing
from benecomune.observatory.services.catalogue import CC_BY_4, DCATAPIT, FILE_TYPE, FREQUENCY
from benecomune.observatory.services.datasets import SUPPRESSED, TOTAL
from benecomune.observatory.services.suppression import min_merchants
from tests.helpers import tables_that_scroll_on_a_phone
from tests.observatory import shared_value_helpers as h

pytestmark = pytest.mark.django_db
SLUG = "valore-condiviso"
R = SUPPRESSED


def _month_start(day: datetime.date, ahead: int) -> datetime.datetime:
    """Noon of the first day of the month `ahead` months after `day`'s."""
    month = day.month - 1 + ahead
    first = datetime.date(day.year + month // 12, month % 12 + 1, 1)
    return timezone.make_aware(datetime.datetime.combine(first, datetime.time(12)))


def three_months() -> list[datetime.datetime]:
    """Now (the agreements run from yesterday), then the first days of the next two months."""
    today = timezone.localdate()
    return [timezone.now(), _month_start(today, 1), _month_start(today, 2)]


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
    pay = h.payer(make_fund, make_wallet, system_actor)
    months = three_months()
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


# --- The public project page: the same figures, reserved the same way ------------------------


def _page_rows(project) -> tuple[list[list[str]], lxml.html.HtmlElement]:
    """The month-by-month table's rows (the month as the CSV writes it), and the page."""
    response = Client().get(reverse("observatory:sv_project", args=[project.pk]))
    assert response.status_code == 200
    page = lxml.html.fromstring(response.content.decode())
    rows = []
    for tr in page.xpath('//table[@data-testid="sv-months"]//tr[td]'):
        label, *cells = [" ".join(c.text_content().split()) for c in tr.xpath("th|td")]
        rows.append([label, *cells])
    return rows, page


def _as_page(row: list[str]) -> list[str]:
    """A CSV row (from `mese`) as the page prints it: the month's name, euro in Italian,
    «riservato» with its note's mark."""
    month, raised, disbursed, purchases, merchants = row
    if month == TOTAL:
        label = "Totale"
    else:
        with override("it"):
            day = datetime.date.fromisoformat(f"{month}-01")
            label = capfirst(date_format(day, "F Y"))

    def money(value):
        return value if value == R else "€ " + value.replace(".", ",")

    shown = [money(raised), money(disbursed), purchases, merchants]
    return [label, *("riservato*" if v == R else v for v in shown)]


def _csv_rows(client, project) -> list[list[str]]:
    return [r[5:] for r in _published(client)[1:] if r[3] == str(project.pk)]


def test_the_project_page_reserves_its_months_as_the_csv_does(client, moves):
    project = moves["project"]
    rows, page = _page_rows(project)
    csv_rows = _csv_rows(client, project)
    assert rows == [_as_page(r) for r in csv_rows]
    # Month 1 (three shops) shown; month 2 (one shop) reserved, month 3 with it, disbursed
    # public; the total as the CSV's (and the page's own figures above it).
    assert [r[1:] for r in rows] == [
        ["€ 3,00", "€ 0,00", "3", "3"],
        ["riservato*", "€ 0,00", "riservato*", "riservato*"],
        ["riservato*", "€ 5,00", "riservato*", "riservato*"],
        ["€ 6,50", "€ 5,00", "7", "3"],
    ]
    assert rows[-1][0] == "Totale" and page.xpath('//table[@data-testid="sv-months"]/tfoot/tr')

    def figure(term):
        (dd,) = page.xpath(f'//dt[normalize-space()="{term}"]/following-sibling::dd[1]')
        return " ".join(dd.text_content().split())

    assert (figure("Raccolti finora"), figure("Da quanti acquisti")) == ("€ 6,50", "7")
    (note,) = page.xpath('//*[@data-testid="sv-reserved-note"]')
    assert "dato non mostrato perché nel mese hanno contribuito meno di 3 esercenti" in (
        note.text_content()
    )
    (table,) = page.xpath('//table[@data-testid="sv-months"]')
    assert table.get("aria-describedby") == note.get("id")
    # On a phone each month's figures are stacked, each under its name.
    assert tables_that_scroll_on_a_phone(lxml.html.tostring(table).decode()) == []
    assert table.xpath("tbody/tr[1]/td[3]/@data-label") == ["Acquisti"]


def test_a_project_with_fewer_than_three_shops_shows_no_month(client, moves):
    project = moves["net_project"]
    rows, page = _page_rows(project)
    assert rows == [] and not page.xpath('//table[@data-testid="sv-months"]')
    assert all(r[1:] == [R] * 4 for r in _csv_rows(client, project))
    (note,) = page.xpath('//*[@data-testid="sv-months-reserved"]')
    assert "meno di 3 esercenti hanno contribuito al progetto" in note.text_content()


def test_a_month_of_two_shops_is_reserved_with_the_smallest_other(
    client, make_user, make_fund, make_wallet, make_provider, municipality, network,
    system_actor,
):  # fmt: skip
    """Month 1: three shops; month 2: two (reserved), month 1 with it (the fewest shops of
    the others); month 3: four shops, shown."""
    comune = h.comune_actor(make_user, municipality)
    project = h.project(comune, municipality, h.body(network, municipality))
    shops = [make_provider(name=f"Negozio {i}", category="grocery") for i in range(4)]
    for shop in shops:
        h.agreement(comune, h.merchant_actor(make_user, shop), municipality, shop, project)
    pay = h.payer(make_fund, make_wallet, system_actor)
    for when, paying in zip(three_months(), (shops[:3], shops[:2], shops), strict=True):
        with mock.patch("django.utils.timezone.now", return_value=when):
            for shop in paying:
                pay(shop, 1_000)
    rows, _page = _page_rows(project)
    assert [r[1:] for r in rows] == [
        ["riservato*", "€ 0,00", "riservato*", "riservato*"],
        ["riservato*", "€ 0,00", "riservato*", "riservato*"],
        ["€ 4,00", "€ 0,00", "4", "4"],
        ["€ 9,00", "€ 0,00", "9", "4"],
    ]
    assert rows == [_as_page(r) for r in _csv_rows(client, project)]


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
