"""Open dataset "bisogni-categoria": the Welfare Points' needs per Comune and need, with
small-cell and complementary suppression (the total must not give a small cell back), and its
DCAT-AP_IT entry."""

import csv
import io
import sys
import types

import pytest
from django.urls import reverse
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from benecomune.observatory.services.catalogue import CC_BY_4, DCATAPIT, FILE_TYPE, FREQUENCY
from benecomune.observatory.services.datasets import SUPPRESSED, TOTAL
from tests.desk.conftest import (  # noqa: F401
    elder,
    intake_for,
    make_operator,
    manager,
    needs,
    point,
)

pytestmark = pytest.mark.django_db

SLUG = "bisogni-categoria"


def _row(town, need, recorded, met, unmet):
    return {
        "comune_id": town.pk,
        "comune_name": town.name,
        "area_code": "anziani",
        "area_label": "Anziani",
        "need_code": need,
        "need_label": need.capitalize(),
        "recorded": recorded,
        "met": met,
        "unmet": unmet,
    }


@pytest.fixture
def desk_rows(monkeypatch, municipality, other_municipality):
    """The desk's function (its agreed signature) giving Piazzola three needs, one of them
    small, and Limena one need of three persons."""
    rows = [
        _row(municipality, "solitudine", 10, 6, 4),
        _row(municipality, "spesa", 7, 3, 4),
        _row(municipality, "trasporto", 2, 1, 1),
        _row(other_municipality, "solitudine", 3, 1, 2),
    ]
    module = types.ModuleType("benecomune.desk.services.unmet")
    module.needs_by_comune_area = lambda **_kwargs: rows
    monkeypatch.setitem(sys.modules, "benecomune.desk.services.unmet", module)
    return rows


def _published(client):
    response = client.get(reverse("observatory:dataset_csv", args=[SLUG]))
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_a_small_cell_and_its_complement_are_suppressed(client, desk_rows, municipality,
                                                        other_municipality):  # fmt: skip
    header, *rows = _published(client)
    assert header == ["codice_istat", "comune", "area_utenza", "bisogno", "registrati",
                      "soddisfatti", "non_soddisfatti"]  # fmt: skip
    ours = {r[3] or r[2]: r[4:] for r in rows if r[1] == municipality.name}
    assert ours["Solitudine"] == ["10", "6", "4"]
    assert ours["Trasporto"] == [SUPPRESSED] * 3  # 2 persons < 5
    assert ours["Spesa"] == [SUPPRESSED] * 3  # the complement: else 19 - 10 would give 2 back
    assert ours[TOTAL] == ["19", "10", "9"]
    # The total minus what is published gives only the sum of two hidden cells (9 = 7 + 2).
    theirs = [r[4:] for r in rows if r[1] == other_municipality.name]
    assert theirs and all(r == [SUPPRESSED] * 3 for r in theirs)  # 3 persons in all


def test_the_real_desk_function_feeds_it(client, manager, point, elder):  # noqa: F811
    from benecomune.desk.services import intake

    intake.open_case(manager[0], point, intake_for(elder))
    _header, *rows = _published(client)
    assert rows, "the case's needs are in the dataset"
    assert all(r[4:] == [SUPPRESSED] * 3 for r in rows)  # one person: all suppressed


def test_dcat_entry(client):
    response = client.get(reverse("observatory:catalogue_ttl"))
    graph = Graph().parse(data=response.content.decode(), format="turtle")
    (node,) = [
        d for d in graph.subjects(RDF.type, DCATAPIT.Dataset)
        if str(graph.value(d, DCTERMS.identifier)).endswith(":" + SLUG)
    ]  # fmt: skip
    title = graph.value(node, DCTERMS.title)
    assert isinstance(title, Literal) and "Bisogni" in str(title)
    assert "riservate" in str(graph.value(node, DCTERMS.description))
    assert graph.value(node, DCTERMS.modified) is not None
    assert graph.value(node, DCAT.theme) == URIRef(
        "http://publications.europa.eu/resource/authority/data-theme/SOCI"
    )
    assert graph.value(node, DCTERMS.rightsHolder) is not None
    assert graph.value(node, DCTERMS.accrualPeriodicity) == FREQUENCY["MONTHLY"]
    distribution = graph.value(node, DCAT.distribution)
    assert graph.value(distribution, DCTERMS.format) == FILE_TYPE["CSV"]
    url = str(graph.value(distribution, DCAT.accessURL))
    assert url.endswith(reverse("observatory:dataset_csv", args=[SLUG]))
    assert graph.value(distribution, DCTERMS.license) == URIRef(CC_BY_4)
