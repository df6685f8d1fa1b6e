"""Needs next to the offer: the adapter over the desk's needs (the real function when it
exists, else the needs recorded on the cases), and the page for a Comune's or network's staff."""

import sys
import types

import pytest

from benecomune.core.models import Role
from benecomune.observatory.dashboards import needs as adapter
from tests.desk.conftest import (  # noqa: F401
    elder,
    intake_for,
    make_operator,
    manager,
    needs,
    point,
)
from tests.helpers import tables_that_scroll_on_a_phone

pytestmark = pytest.mark.django_db

URL = "/osservatorio/bisogni-e-offerta/"


@pytest.fixture
def no_desk_function(monkeypatch):
    monkeypatch.setattr(adapter, "_source", lambda: None)


@pytest.fixture
def a_case(manager, point, elder):  # noqa: F811
    from benecomune.desk.services import intake

    return intake.open_case(manager[0], point, intake_for(elder))


def fake_rows(municipality):
    return [
        {
            "comune_id": municipality.pk,
            "comune_name": municipality.name,
            "area_code": "anziani",
            "area_label": "Anziani",
            "need_code": "solitudine",
            "need_label": "Solitudine",
            "recorded": 5,
            "met": 2,
            "unmet": 3,
        }
    ]


@pytest.fixture
def desk_function(monkeypatch, municipality):
    """A fake `desk.services.unmet` module with the agreed signature, recording its calls."""
    calls = []

    def needs_by_comune_area(*, organization_ids=None, date_from=None, date_to=None):
        calls.append((organization_ids, date_from, date_to))
        return fake_rows(municipality)

    module = types.ModuleType("benecomune.desk.services.unmet")
    module.needs_by_comune_area = needs_by_comune_area
    monkeypatch.setitem(sys.modules, "benecomune.desk.services.unmet", module)
    return calls


def test_fallback_counts_the_needs_recorded_on_cases(no_desk_function, a_case, municipality):
    result = adapter.needs_by_comune_area(organization_ids=[municipality.pk])
    assert result.complete is False
    by_need = {r["need_code"]: r for r in result.rows}
    assert set(by_need) == {"assistenza-domiciliare-anziani", "solitudine"}
    row = by_need["solitudine"]
    assert (row["comune_id"], row["area_code"], row["recorded"], row["met"]) == (
        municipality.pk,
        "anziani",
        1,
        None,
    )
    assert adapter.needs_by_comune_area(organization_ids=[0]).rows == []


def test_the_desk_function_is_used_when_it_exists(desk_function, municipality):
    result = adapter.needs_by_comune_area(organization_ids=[municipality.pk])
    assert result.complete is True
    assert result.rows == fake_rows(municipality)
    assert desk_function == [([municipality.pk], None, None)]


def test_page_puts_unmet_needs_next_to_no_offer(desk_function, staff_client, municipality):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get(URL)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.rows == [["Piazzola sul Brenta — Anziani", 5, 2, 3, 0, 0, "Nessun servizio"]]
    assert tables_that_scroll_on_a_phone(response.content.decode()) == []
    csv = client.get(URL, {"formato": "csv"})
    assert "Nessun servizio" in csv.content.decode("utf-8-sig")


def test_page_with_the_fallback_shows_needs_recorded(
    no_desk_function, a_case, staff_client, municipality
):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get(URL)
    assert response.context["table"].rows == [
        ["Piazzola sul Brenta — Anziani", 2, 0, 0, "Nessun servizio"]
    ]
    assert "Gli esiti dei bisogni non sono ancora disponibili" in response.content.decode()


def test_page_scoping(no_desk_function, staff_client, municipality, other_municipality, company):
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    assert client.get(URL, {"comune": other_municipality.pk}).status_code == 404
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    assert client.get(URL).status_code == 403
