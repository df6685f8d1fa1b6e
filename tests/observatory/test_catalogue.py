"""DCAT-AP_IT catalogue: JSON-LD and Turtle parse to the same graph, and every mandatory field
of the profile is there (one test per field; the official SHACL shapes are not shipped)."""

import pytest
from django.urls import reverse
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from benecomune.observatory.services import datasets
from benecomune.observatory.services.catalogue import CC_BY_4, DCATAPIT, FILE_TYPE, FREQUENCY

pytestmark = pytest.mark.django_db


@pytest.fixture
def graph(client) -> Graph:
    response = client.get(reverse("observatory:catalogue_ttl"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/turtle")
    return Graph().parse(data=response.content.decode(), format="turtle")


def _datasets(graph):
    found = list(graph.subjects(RDF.type, DCATAPIT.Dataset))
    assert len(found) == len(datasets.DATASETS)
    return found


def _distributions(graph):
    return [d for ds in _datasets(graph) for d in graph.objects(ds, DCAT.distribution)]


def test_json_ld_is_the_same_catalogue(client, graph):
    response = client.get(reverse("observatory:catalogue_jsonld"))
    assert response["Content-Type"].startswith("application/ld+json")
    other = Graph().parse(data=response.content.decode(), format="json-ld")
    assert len(other) == len(graph)
    assert set(other.subjects(RDF.type, DCATAPIT.Dataset)) == set(_datasets(graph))


def test_catalogue_has_title_description_publisher_modified_homepage(graph):
    (catalog,) = graph.subjects(RDF.type, DCATAPIT.Catalog)
    assert (catalog, RDF.type, DCAT.Catalog) in graph
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCTERMS.modified,
        FOAF.homepage,
        DCTERMS.language,
    ):
        assert graph.value(catalog, prop) is not None, prop
    assert set(graph.objects(catalog, DCAT.dataset)) == set(_datasets(graph))


def test_dataset_identifier(graph):
    ids = [str(graph.value(d, DCTERMS.identifier)) for d in _datasets(graph)]
    assert all(ids) and len(set(ids)) == len(ids)
    assert "benecomune:spesa-welfare" in ids
    assert "benecomune:valore-condiviso" in ids


def test_dataset_title(graph):
    for d in _datasets(graph):
        title = graph.value(d, DCTERMS.title)
        assert title and title.language == "it"


def test_dataset_description(graph):
    for d in _datasets(graph):
        assert str(graph.value(d, DCTERMS.description))


def test_dataset_modified(graph):
    for d in _datasets(graph):
        assert graph.value(d, DCTERMS.modified).datatype.endswith("#date")


def test_dataset_theme(graph):
    for d in _datasets(graph):
        theme = str(graph.value(d, DCAT.theme))
        assert theme.startswith("http://publications.europa.eu/resource/authority/data-theme/")


def test_dataset_rights_holder_is_an_agent_with_name_and_identifier(graph):
    for d in _datasets(graph):
        holder = graph.value(d, DCTERMS.rightsHolder)
        assert (holder, RDF.type, DCATAPIT.Agent) in graph
        assert graph.value(holder, FOAF.name) and graph.value(holder, DCTERMS.identifier)


def test_dataset_accrual_periodicity(graph):
    for d in _datasets(graph):
        assert graph.value(d, DCTERMS.accrualPeriodicity) == FREQUENCY.MONTHLY


def test_dataset_publisher_and_contact_point(graph):
    for d in _datasets(graph):
        assert graph.value(d, DCTERMS.publisher) is not None
        assert graph.value(d, DCAT.contactPoint) is not None


def test_distribution_format(graph):
    for dist in _distributions(graph):
        assert (dist, RDF.type, DCATAPIT.Distribution) in graph
        assert graph.value(dist, DCTERMS.format) == FILE_TYPE.CSV


def test_distribution_access_url_serves_the_csv(client, graph):
    for dist in _distributions(graph):
        url = str(graph.value(dist, DCAT.accessURL))
        assert url.startswith("http://testserver/dati-aperti/") and url.endswith(".csv")
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_distribution_licence_is_cc_by_4_by_default(graph):
    for dist in _distributions(graph):
        licence = graph.value(dist, DCTERMS.license)
        assert licence == URIRef(CC_BY_4)
        assert (licence, RDF.type, DCATAPIT.LicenseDocument) in graph
        assert str(graph.value(licence, FOAF.name)) == "CC BY 4.0"


def test_licence_and_publisher_follow_the_settings(client, settings):
    settings.OBSERVATORY_LICENSE_URL = "https://www.dati.gov.it/iodl/2.0/"
    settings.OBSERVATORY_PUBLISHER_NAME = "Comune di Prova"
    text = client.get(reverse("observatory:catalogue_ttl")).content.decode()
    graph = Graph().parse(data=text, format="turtle")
    dist = _distributions(graph)[0]
    assert str(graph.value(dist, DCTERMS.license)) == "https://www.dati.gov.it/iodl/2.0/"
    assert "Comune di Prova" in text
