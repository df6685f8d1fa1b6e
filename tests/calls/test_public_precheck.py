"""The public eligibility pre-check: anonymous, indicative, nothing stored; the call's own rules
give the answer; bad input gets a clear message."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benecomune.calls.forms.precheck import birth_date_for_age
from benecomune.calls.rules import age_on

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(make_call):
    return make_call(title="Buoni spesa", code="buoni-spesa")


def url(municipality, call):
    return reverse("calls:precheck", args=[municipality.slug, call.code])


def answers(comune, **overrides):
    year = timezone.localdate().year
    data = {
        "municipality": str(comune.pk),
        "age_1": "44",
        "age_2": "42",
        "age_3": "10",
        "isee_value": "8.500,00",
        "isee_year": str(year),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_anyone_can_open_the_precheck(client, municipality, call):
    response = client.get(url(municipality, call))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Posso partecipare?" in html
    assert "Le risposte non vengono salvate" in html
    assert "Piazzola sul Brenta" in html and "Un altro Comune" in html


def test_eligible_household_gets_an_indicative_amount(client, municipality, call):
    response = client.post(url(municipality, call), answers(municipality))
    assert response.status_code == 200
    html = response.content.decode()
    # 50 base + 3 members x 50 + one minor 25 = 225 euro
    assert 'Potrebbe avere diritto a circa <span class="money">€ 225,00</span>.' in html
    assert "È una stima" in html


def test_an_isee_of_zero_is_a_value(client, municipality, call):
    html = client.post(url(municipality, call), answers(municipality, isee_value="0")).content
    assert "Potrebbe avere diritto a circa" in html.decode()


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"isee_value": "12.000,01"}, "L&#x27;ISEE supera la soglia del bando."),
        ({"isee_value": ""}, "Serve un&#x27;attestazione ISEE valida"),
        ({"isee_year": "LAST"}, "Serve un&#x27;attestazione ISEE valida"),
        ({"municipality": "0"}, "Il nucleo non risiede in uno dei Comuni del bando."),
    ],
)
def test_not_eligible_household_gets_the_reasons(client, municipality, call, overrides, reason):
    if overrides.get("isee_year") == "LAST":
        overrides["isee_year"] = str(timezone.localdate().year - 1)
    response = client.post(url(municipality, call), answers(municipality, **overrides))
    html = response.content.decode()
    assert "Con i dati indicati non sembra avere i requisiti." in html
    assert reason in html
    assert "Potrebbe avere diritto" not in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"age_1": ""}, "Questo campo è obbligatorio."),
        ({"age_2": "200"}, "Assicurati che questo valore sia minore o uguale a 120."),
        ({"age_2": "-1"}, "Assicurati che questo valore sia maggiore o uguale a 0."),
        ({"isee_value": "otto"}, "Importo non valido"),
        ({"municipality": "999999"}, "Scegli un&#x27;opzione valida."),
        ({"age_4": "", "disabled_4": "on"}, "Indichi l&#x27;età di questo componente."),
    ],
)
def test_bad_input_gets_a_message(client, municipality, call, overrides, message):
    response = client.post(url(municipality, call), answers(municipality, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'data-testid="precheck-result"' not in html


def test_nothing_is_stored(client, municipality, call):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(municipality, call), answers(municipality))
    assert response.status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert "sessionid" not in response.cookies


def test_htmx_gets_only_the_panel(client, municipality, call):
    response = client.post(url(municipality, call), answers(municipality), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="precheck-panel">')
    assert "<html" not in html
    assert 'Potrebbe avere diritto a circa <span class="money">€ 225,00</span>.' in html


def test_household_conditions_and_excluded_benefits(client, municipality, make_call):
    other = make_call(title="Contributo affitti", code="affitti")
    rules = {
        "eligibility": {
            "requires_disabled": True,
            "excluded_calls": [other.pk],
        },
        "amount": {"kind": "fixed", "base": 30_000, "extra_per_disabled": 10_000},
    }
    call = make_call(title="Sostegno disabilità", code="disabilita", rules=rules)
    page = client.get(url(municipality, call)).content.decode()
    assert "Qualcuno del nucleo riceve già uno di questi benefici?" in page
    assert "Contributo affitti" in page
    no_disabled = client.post(url(municipality, call), answers(municipality)).content.decode()
    assert "almeno una persona con disabilità certificata" in no_disabled
    with_disabled = answers(municipality, disabled_2="on")
    ok = client.post(url(municipality, call), with_disabled).content.decode()
    assert 'Potrebbe avere diritto a circa <span class="money">€ 400,00</span>.' in ok
    excluded = client.post(url(municipality, call), {**with_disabled, "awarded_calls": other.pk})
    assert "incompatibile" in excluded.content.decode()


@pytest.mark.parametrize("age", [0, 17, 18, 74, 75, 100])
def test_ages_become_birth_dates_that_give_the_same_age(age):
    for today in (datetime.date(2026, 3, 15), datetime.date(2028, 2, 29)):
        assert age_on(birth_date_for_age(age, today), today) == age
