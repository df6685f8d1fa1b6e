"""describe_rules: a call's rules as plain-Italian sentences (used by staff, citizen and public
pages)."""

import pytest

from benecomune.calls.describe import describe_rules, describe_sections, failure_label
from benecomune.calls.rules import parse_rules
from tests.calls.conftest import FOOD_RULES


def test_food_voucher_rules_in_plain_italian():
    sentences = describe_rules(
        FOOD_RULES, municipality_names=["Piazzola sul Brenta"], excluded_titles=[]
    )
    assert sentences == [
        "Possono partecipare i nuclei familiari residenti nel Comune di Piazzola sul Brenta.",
        "ISEE del nucleo non superiore a € 12.000,00, con un'attestazione rilasciata "
        "nell'anno in corso (vale fino al 31 dicembre).",
        "€ 50,00 per ogni componente del nucleo, più una quota fissa di € 50,00.",
        "In più, € 25,00 per ogni minore.",
        "Importo massimo per nucleo: € 400,00.",
        "Punti per fascia ISEE: ISEE fino a € 3.000,00: 30 punti; ISEE da € 3.000,01 a "
        "€ 6.000,00: 20 punti; ISEE da € 6.000,01 a € 12.000,00: 10 punti.",
        "5 punti per ogni minore.",
        "3 punti per ogni persona di 75 anni o più.",
        "5 punti per ogni persona con disabilità.",
        "Prevale, nell'ordine: ISEE più basso, più figli minori, ordine di presentazione "
        "della domanda.",
        "Dichiaro che i dati sono veri (DPR 445/2000).",
        "Non ricevo altri buoni spesa comunali.",
        "Documento d'identità (obbligatorio)",
    ]


def test_isee_bands_household_conditions_and_extras():
    rules = {
        "eligibility": {
            "min_members": 3,
            "requires_minor": True,
            "requires_over_75": True,
            "requires_disabled": True,
            "excluded_calls": [4],
        },
        "amount": {
            "kind": "isee_bands",
            "bands": [
                {"isee_max": 500_000, "amount": 30_000},
                {"isee_max": 1_000_000, "amount": 15_000},
            ],
            "extra_per_disabled": 5_000,
            "extra_per_over_75": 2_000,
        },
        "documents": [{"code": "isee", "label": "Attestazione ISEE", "required": False}],
    }
    sections = describe_sections(
        rules, municipality_names=["Limena", "Campodoro"], excluded_titles=["Buoni affitto"]
    )
    assert sections["eligibility"] == [
        "Possono partecipare i nuclei familiari residenti nei Comuni di Limena e Campodoro.",
        "Serve un'attestazione ISEE rilasciata nell'anno in corso (vale fino al 31 dicembre): "
        "l'importo dipende dal suo valore.",
        "Il nucleo deve avere almeno 3 componenti.",
        "Nel nucleo deve esserci almeno un minore (meno di 18 anni).",
        "Nel nucleo deve esserci almeno una persona di 75 anni o più.",
        "Nel nucleo deve esserci almeno una persona con disabilità certificata.",
        "Non può partecipare chi riceve già: «Buoni affitto».",
    ]
    assert sections["amount"] == [
        "Importo secondo la fascia ISEE: ISEE fino a € 5.000,00: € 300,00; ISEE da € 5.000,01 "
        "a € 10.000,00: € 150,00.",
        "Con un ISEE oltre € 10.000,00 non spetta alcun importo.",
        "In più, € 50,00 per ogni persona con disabilità.",
        "In più, € 20,00 per ogni persona di 75 anni o più.",
    ]
    # No scoring and no tie-breaks: no ranking sections at all.
    assert "scoring" not in sections and "tie_breaks" not in sections
    assert sections["documents"] == ["Attestazione ISEE (facoltativo)"]


def test_fixed_amount_and_parsed_rules_are_accepted():
    parsed = parse_rules({"amount": {"kind": "fixed", "base": 25_000}})
    assert describe_rules(parsed, municipality_names=[]) == [
        "Nessun requisito particolare oltre alla residenza.",
        "Importo fisso di € 250,00 per nucleo.",
    ]


@pytest.mark.django_db
def test_names_are_looked_up_when_not_given(municipality, other_municipality, make_call):
    other = make_call(title="Buoni affitto")
    rules = {
        "eligibility": {"excluded_calls": [other.pk]},
        "amount": {"kind": "fixed", "base": 100},
    }
    sentences = describe_rules(rules, municipality_ids=[other_municipality.pk, municipality.pk])
    assert sentences[0] == (
        "Possono partecipare i nuclei familiari residenti nei Comuni di Limena e "
        "Piazzola sul Brenta."
    )
    assert "Non può partecipare chi riceve già: «Buoni affitto»." in sentences


def test_failure_labels():
    assert failure_label("isee_over") == "ISEE sopra la soglia"
    assert failure_label("sconosciuto") == "sconosciuto"
