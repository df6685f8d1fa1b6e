"""Open data: the CSV tables read from the rollups with small cells suppressed, awards by call
from a real call's award, the public page."""

import csv
import io

import pytest
from django.urls import reverse

from benecomune.calls.models import RankingKind
from benecomune.calls.services import award as award_service
from benecomune.calls.services import definition, ranking
from benecomune.core.scoping import all_tenants
from benecomune.ledger.services import funds, wallets
from benecomune.observatory.models import AwardCell
from benecomune.observatory.services import check, datasets, upkeep
from benecomune.observatory.services.datasets import SUPPRESSED, TOTAL
from tests.calls.factories import admitted_application

pytestmark = pytest.mark.django_db

SIMPLE_RULES = {
    "amount": {"kind": "fixed", "base": 10_000},
    "scoring": {"isee_bands": [{"isee_max": 900_000, "points": 10}]},
    "tie_breaks": ["isee_asc"],
}


def _rows(client, slug) -> list[list[str]]:
    response = client.get(reverse("observatory:dataset_csv", args=[slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def spenders(make_fund, make_wallet, make_provider, system_actor):
    """Six people buy groceries, two at the pharmacy, one at the after-school tutor."""
    fund = make_fund(1_000_000)
    shops = {c: make_provider(category=c) for c in ("grocery", "pharmacy", "tutoring")}

    def spend(category, n, amount=1_000):
        for i in range(n):
            wallet = make_wallet(fund, amount)
            wallets.pay_from_wallet(
                system_actor,
                wallet=wallet,
                merchant=shops[category],
                amount=amount - i,
                idempotency_key=f"od-{category}-{i}",
            )

    return spend


def test_small_cells_are_suppressed_and_the_total_does_not_reveal_them(client, spenders):
    spenders("grocery", 6)
    spenders("pharmacy", 2)
    spenders("tutoring", 5)
    upkeep.run()
    rows = _rows(client, "spesa-welfare")
    assert rows[0][:4] == ["codice_istat", "comune", "mese", "categoria"]
    by_category = {r[3]: r[4:] for r in rows[1:]}
    assert by_category["Alimentari"] == ["59.85", "6", "6"]
    # Pharmacy (2 persons) is suppressed; tutoring (5) too, or the total would give it back.
    assert by_category["Farmacia"] == [SUPPRESSED] * 3
    assert by_category["Doposcuola e tutoraggio"] == [SUPPRESSED] * 3
    assert by_category[TOTAL] == ["129.74", "13", "13"]
    assert all(r[0] == "028063" for r in rows[1:])


def test_a_group_with_fewer_than_k_persons_is_suppressed_whole(client, spenders, settings):
    spenders("grocery", 3)
    upkeep.run()
    rows = _rows(client, "spesa-welfare")
    assert {tuple(r[4:]) for r in rows[1:]} == {(SUPPRESSED,) * 3}
    settings.OBSERVATORY_MIN_CELL = 3
    rows = _rows(client, "spesa-welfare")
    assert rows[-1][3:] == [TOTAL, "29.97", "3", "3"]


def test_unknown_dataset_is_404(client):
    assert client.get("/dati-aperti/nessuno.csv").status_code == 404


def test_awards_by_call_come_from_the_real_award(
    client, make_call, make_person, municipality, admin_actor, settings
):
    call = make_call(rules=SIMPLE_RULES, budget=100_000)
    for i in range(3):
        person = make_person(municipality, first_name=f"Anna{chr(65 + i)}")
        admitted_application(call, person, isee=500_000, minutes=i)
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test: chiusura anticipata")
        ranking.build_ranking(admin_actor, call, RankingKind.PROVISIONAL)
        ranking.build_ranking(admin_actor, call, RankingKind.FINAL, reason="Nessun ricorso")
        award_service.award_call(admin_actor, call)
    upkeep.run()
    cell = AwardCell.objects.get(call=call)
    assert (cell.amount, cell.awards, cell.persons) == (30_000, 3, 3)
    assert check.differences() == []
    settings.OBSERVATORY_MIN_CELL = 3
    rows = _rows(client, "contributi-bandi")
    assert rows[0] == list(datasets.DATASETS["contributi-bandi"].columns)
    assert rows[1][1:] == [call.code, call.title, "300.00", "3", "3"]
    assert rows[2][1:] == [TOTAL, "", "300.00", "3", "3"]
    settings.OBSERVATORY_MIN_CELL = 5
    assert _rows(client, "contributi-bandi")[1][3:] == [SUPPRESSED] * 3


def test_public_page_lists_the_datasets_and_the_catalogue(client, make_fund, system_actor):
    fund = make_fund(1_000)
    funds.add_contribution(system_actor, fund, contributor="Regione", amount=500)
    response = client.get(reverse("observatory:open_data"))
    assert response.status_code == 200
    page = response.content.decode()
    for dataset in datasets.DATASETS.values():
        assert reverse("observatory:dataset_csv", args=[dataset.slug]) in page
    assert reverse("observatory:catalogue_ttl") in page
    assert reverse("observatory:catalogue_jsonld") in page
    assert "<h1>Dati aperti</h1>" in page


def test_the_page_reads_aggiornati_all_8_in_rome_time(client, monkeypatch):
    """ "Dati aggiornati all'8 dicembre 2026 00:30": the article elided, Rome's clock."""
    import datetime

    late = datetime.datetime(2026, 12, 7, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(datasets, "modified", lambda: late)
    page = client.get(reverse("observatory:open_data")).content.decode()
    assert "Dati aggiornati all&#x27;8 dicembre 2026 00:30." in page
