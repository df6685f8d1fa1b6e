"""The rules engine (calls.rules): each eligibility criterion, each amount rule, scores and
tie-breaks, edge dates (birthdays and ISEE validity on the reference day), and the refusals of
parse_rules. Pure functions: no database."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from benecomune.calls.rules import (
    HouseholdFacts,
    MemberFacts,
    age_on,
    compute_amount,
    compute_score,
    evaluate,
    isee_valid_on,
    parse_rules,
    tie_values,
)

DAY = datetime.date(2026, 3, 15)
COMUNE, OTHER = 10, 20


def member(birth: datetime.date, disability: bool = False, code: str = "") -> MemberFacts:
    return MemberFacts(code or f"CF{birth.isoformat()}{int(disability)}", birth, disability)


def adult(year: int = 1980, **kw) -> MemberFacts:
    return member(datetime.date(year, 6, 1), **kw)


def child(year: int = 2016, **kw) -> MemberFacts:
    return member(datetime.date(year, 6, 1), **kw)


def household(*members, isee=None, isee_date=DAY, municipality=COMUNE, awarded=()):
    return HouseholdFacts(
        municipality_id=municipality,
        members=tuple(members) or (adult(),),
        isee_value=isee,
        isee_date=isee_date if isee is not None else None,
        awarded_calls=frozenset(awarded),
    )


def rules(**data):
    data.setdefault("amount", {"kind": "fixed", "base": 10_000})
    return parse_rules(data)


def codes(outcome) -> set[str]:
    return {f.code for f in outcome.failures}


# --- dates -----------------------------------------------------------------------------------


def test_age_on_changes_on_the_birthday_itself():
    birth = datetime.date(2008, 3, 15)
    assert age_on(birth, datetime.date(2026, 3, 14)) == 17
    assert age_on(birth, datetime.date(2026, 3, 15)) == 18


def test_age_of_someone_born_on_29_february():
    birth = datetime.date(2008, 2, 29)
    assert age_on(birth, datetime.date(2026, 2, 28)) == 17
    assert age_on(birth, datetime.date(2026, 3, 1)) == 18


@pytest.mark.parametrize(
    ("issued", "on", "valid"),
    [
        (datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), True),  # issued today
        (datetime.date(2026, 1, 15), datetime.date(2026, 12, 31), True),  # valid to 31 Dec
        (datetime.date(2025, 12, 31), datetime.date(2026, 1, 1), False),  # expired overnight
        (datetime.date(2025, 12, 31), datetime.date(2025, 12, 31), True),
        (datetime.date(2026, 3, 16), datetime.date(2026, 3, 15), False),  # dated in the future
        (None, datetime.date(2026, 3, 15), False),
    ],
)
def test_isee_valid_until_31_december_of_its_year(issued, on, valid):
    assert isee_valid_on(issued, on) is valid


# --- eligibility -----------------------------------------------------------------------------


def test_residence_in_the_calls_comuni():
    parsed = rules()
    assert evaluate(parsed, household(), DAY, [COMUNE]).eligible
    outcome = evaluate(parsed, household(municipality=OTHER), DAY, [COMUNE])
    assert codes(outcome) == {"residence"}
    assert outcome.failures[0].message == "Il nucleo non risiede in uno dei Comuni del bando."


def test_residence_listed_in_the_rules_narrows_the_calls_comuni():
    parsed = rules(eligibility={"municipalities": [OTHER]})
    assert codes(evaluate(parsed, household(), DAY, [COMUNE, OTHER])) == {"residence"}
    assert evaluate(parsed, household(municipality=OTHER), DAY, [COMUNE, OTHER]).eligible


def test_isee_ceiling_is_inclusive():
    parsed = rules(eligibility={"isee_max": 1_200_000})
    assert evaluate(parsed, household(isee=1_200_000), DAY).eligible
    outcome = evaluate(parsed, household(isee=1_200_001), DAY)
    assert codes(outcome) == {"isee_over"}
    assert outcome.failures[0].message == "L'ISEE supera la soglia del bando."


def test_isee_missing_or_not_valid_on_the_day():
    parsed = rules(eligibility={"isee_max": 1_200_000})
    assert codes(evaluate(parsed, household(), DAY)) == {"isee_missing"}
    jan_first = datetime.date(2026, 1, 1)
    last_year = household(isee=500_000, isee_date=datetime.date(2025, 12, 31))
    assert codes(evaluate(parsed, last_year, jan_first)) == {"isee_missing"}
    this_year = household(isee=500_000, isee_date=jan_first)
    assert evaluate(parsed, this_year, jan_first).eligible
    future = household(isee=500_000, isee_date=DAY + datetime.timedelta(days=1))
    outcome = evaluate(parsed, future, DAY)
    assert codes(outcome) == {"isee_missing"}
    assert "anno in corso" in outcome.failures[0].message


def test_no_isee_needed_without_ceiling_or_isee_bands():
    assert evaluate(rules(), household(), DAY).eligible


def test_minimum_members():
    parsed = rules(eligibility={"min_members": 3})
    outcome = evaluate(parsed, household(adult(), child()), DAY)
    assert codes(outcome) == {"members"}
    assert outcome.failures[0].message == "Il nucleo deve avere almeno 3 componenti."
    assert evaluate(parsed, household(adult(), adult(1982), child()), DAY).eligible


def test_requires_a_minor_and_the_18th_birthday_on_the_reference_day():
    parsed = rules(eligibility={"requires_minor": True})
    turns_18_today = member(datetime.date(2008, 3, 15))
    turns_18_tomorrow = member(datetime.date(2008, 3, 16))
    assert codes(evaluate(parsed, household(adult(), turns_18_today), DAY)) == {"minor"}
    assert evaluate(parsed, household(adult(), turns_18_tomorrow), DAY).eligible
    assert codes(evaluate(parsed, household(adult()), DAY)) == {"minor"}


def test_requires_over_75_and_the_75th_birthday_on_the_reference_day():
    parsed = rules(eligibility={"requires_over_75": True})
    turns_75_today = member(datetime.date(1951, 3, 15))
    turns_75_tomorrow = member(datetime.date(1951, 3, 16))
    assert evaluate(parsed, household(turns_75_today), DAY).eligible
    outcome = evaluate(parsed, household(turns_75_tomorrow), DAY)
    assert codes(outcome) == {"over_75"}
    assert outcome.failures[0].message == "Nel nucleo deve esserci almeno una persona over 75."


def test_requires_a_disabled_member():
    parsed = rules(eligibility={"requires_disabled": True})
    assert codes(evaluate(parsed, household(adult()), DAY)) == {"disabled"}
    assert evaluate(parsed, household(adult(), child(disability=True)), DAY).eligible


def test_excluded_when_already_receiving_a_listed_benefit():
    parsed = rules(eligibility={"excluded_calls": [7, 8]})
    outcome = evaluate(parsed, household(awarded=[8]), DAY)
    assert codes(outcome) == {"excluded"}
    assert "incompatibile" in outcome.failures[0].message
    assert evaluate(parsed, household(awarded=[9]), DAY).eligible


def test_every_unmet_criterion_is_reported_and_nothing_is_due():
    parsed = rules(
        eligibility={
            "isee_max": 600_000,
            "min_members": 2,
            "requires_minor": True,
            "requires_over_75": True,
            "requires_disabled": True,
            "excluded_calls": [3],
        }
    )
    outcome = evaluate(parsed, household(isee=900_000, awarded=[3], municipality=OTHER), DAY, [1])
    assert codes(outcome) == {
        "residence",
        "isee_over",
        "members",
        "minor",
        "over_75",
        "disabled",
        "excluded",
    }
    assert not outcome.eligible
    assert outcome.amount == 0
    assert outcome.score == 0


# --- amount ----------------------------------------------------------------------------------


def test_fixed_amount_per_household():
    parsed = rules(amount={"kind": "fixed", "base": 30_000})
    assert compute_amount(parsed, household(adult(), adult(), child()), DAY) == 30_000
    assert evaluate(parsed, household(), DAY).amount == 30_000


def test_per_member_with_base_and_cap():
    parsed = rules(
        amount={"kind": "per_member", "base": 5_000, "per_member": 10_000, "cap": 35_000}
    )
    assert compute_amount(parsed, household(adult()), DAY) == 15_000
    assert compute_amount(parsed, household(adult(), adult()), DAY) == 25_000
    assert compute_amount(parsed, household(adult(), adult(), child()), DAY) == 35_000
    # Capped: four members would be 45,000.
    assert compute_amount(parsed, household(adult(), adult(), child(), child()), DAY) == 35_000


def test_isee_bands_pick_the_first_band_that_holds_the_isee():
    parsed = rules(
        amount={
            "kind": "isee_bands",
            "bands": [
                {"isee_max": 300_000, "amount": 40_000},
                {"isee_max": 600_000, "amount": 25_000},
                {"isee_max": 900_000, "amount": 10_000},
            ],
        }
    )
    assert evaluate(parsed, household(isee=0), DAY).amount == 40_000
    assert evaluate(parsed, household(isee=300_000), DAY).amount == 40_000  # inclusive
    assert evaluate(parsed, household(isee=300_001), DAY).amount == 25_000
    assert evaluate(parsed, household(isee=900_000), DAY).amount == 10_000
    above = evaluate(parsed, household(isee=900_001), DAY)
    assert not above.eligible and codes(above) == {"amount"}
    assert above.failures[0].message == "Con questi dati non spetta alcun importo."


def test_isee_bands_need_a_valid_isee_even_without_a_ceiling():
    parsed = rules(amount={"kind": "isee_bands", "bands": [{"isee_max": 900_000, "amount": 1}]})
    assert codes(evaluate(parsed, household(), DAY)) == {"isee_missing"}


def test_extras_per_minor_disabled_and_over_75_then_the_cap():
    amount = {
        "kind": "fixed",
        "base": 20_000,
        "extra_per_minor": 5_000,
        "extra_per_disabled": 7_000,
        "extra_per_over_75": 3_000,
    }
    facts = household(
        adult(1950),  # over 75
        adult(1980, disability=True),
        child(2015),
        child(2018, disability=True),
    )
    # 20,000 + 2 minors x 5,000 + 2 disabled x 7,000 + 1 over 75 x 3,000
    assert compute_amount(rules(amount=amount), facts, DAY) == 47_000
    capped = rules(amount={**amount, "cap": 40_000})
    assert compute_amount(capped, facts, DAY) == 40_000


def test_extras_count_ages_on_the_reference_day():
    parsed = rules(amount={"kind": "fixed", "base": 10_000, "extra_per_minor": 5_000})
    turns_18_today = member(datetime.date(2008, 3, 15))
    assert compute_amount(parsed, household(adult(), turns_18_today), DAY) == 10_000
    assert compute_amount(parsed, household(adult(), turns_18_today), DAY.replace(day=14)) == 15_000


# --- score and tie-breaks --------------------------------------------------------------------


def test_score_in_hundredths_of_a_point():
    parsed = rules(
        scoring={
            "isee_bands": [
                {"isee_max": 300_000, "points": 30},
                {"isee_max": 600_000, "points": 20},
            ],
            "per_member": 1,
            "per_minor": 5,
            "per_over_75": 3,
            "per_disabled": 4,
        }
    )
    facts = household(adult(1950), adult(disability=True), child(), isee=450_000)
    # 20 (band) + 3 members x 1 + 1 minor x 5 + 1 over 75 x 3 + 1 disabled x 4 = 35 points
    assert compute_score(parsed, facts, DAY) == 3_500
    assert evaluate(parsed, facts, DAY).score == 3_500
    # ISEE above every scoring band earns no band points (not a failure).
    assert compute_score(parsed, household(adult(), isee=700_000), DAY) == 100


def test_tie_values_follow_the_calls_order_smaller_first():
    parsed = rules(tie_breaks=["minors_desc", "isee_asc", "members_desc"])
    facts = household(adult(), child(), child(), isee=420_000)
    assert tie_values(parsed, facts, DAY) == (-2, 420_000, -3)
    without_isee = household(adult())
    assert tie_values(parsed, without_isee, DAY) == (0, 10**15, -1)


def test_tie_values_for_over_75_and_disabled():
    parsed = rules(tie_breaks=["over_75_desc", "disabled_desc"])
    facts = household(adult(1940), adult(1945, disability=True))
    assert tie_values(parsed, facts, DAY) == (-2, -1)
    # The lower ISEE ranks first; a household with more minors ranks first.
    ranks = rules(tie_breaks=["isee_asc", "minors_desc"])
    poorer = tie_values(ranks, household(adult(), isee=100_000), DAY)
    richer = tie_values(ranks, household(adult(), child(), isee=200_000), DAY)
    assert poorer < richer


# --- parse_rules -----------------------------------------------------------------------------


def test_parse_rules_round_trips_through_json():
    data = {
        "eligibility": {"municipalities": [5, 3, 3], "isee_max": 1_000_000, "min_members": 2},
        "amount": {
            "kind": "isee_bands",
            "bands": [{"isee_max": 500_000, "amount": 30_000}],
            "extra_per_minor": 2_500,
            "cap": 50_000,
        },
        "scoring": {"isee_bands": [{"isee_max": 500_000, "points": 10}], "per_minor": 2},
        "tie_breaks": ["isee_asc"],
        "declarations": [{"code": "truthful", "text": "  Dichiaro il vero.  "}],
        "documents": [{"code": "id_card", "label": "Documento", "required": True}],
    }
    parsed = parse_rules(data)
    assert parsed.eligibility.municipalities == (3, 5)  # sorted, no repeats
    assert parsed.declarations[0].text == "Dichiaro il vero."
    assert parse_rules(parsed.to_json()) == parsed


def test_empty_rules_are_refused_they_say_nothing_about_the_amount():
    for empty in (None, {}):
        with pytest.raises(ValidationError, match="importo fisso per nucleo"):
            parse_rules(empty)


def refusal(data) -> str:
    with pytest.raises(ValidationError) as info:
        parse_rules(data)
    return " ".join(info.value.messages)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "Le regole del bando non sono valide."),
        ({"eligibility": "tutti"}, "Le regole del bando non sono valide."),
        (
            {"amount": {"kind": "fixed", "base": -5}},
            "Importo base: serve un numero intero non inferiore a 0.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 12.5}},
            "Importo base: serve un numero intero non inferiore a 0.",
        ),
        (
            {"amount": {"kind": "fixed", "base": "100"}},
            "Importo base: serve un numero intero non inferiore a 0.",
        ),
        (
            {"amount": {"kind": "fixed", "base": True}},
            "Importo base: serve un numero intero non inferiore a 0.",
        ),
        ({"amount": {"kind": "lotteria"}}, "Criterio di calcolo dell'importo sconosciuto."),
        ({"amount": {"kind": "fixed"}}, "Indichi l'importo fisso per nucleo."),
        ({"amount": {"kind": "per_member", "base": 100}}, "Indichi l'importo per componente."),
        (
            {"amount": {"kind": "isee_bands"}},
            "Indichi almeno una fascia ISEE con il suo importo.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1, "cap": 0}},
            "Importo massimo: serve un numero intero non inferiore a 1.",
        ),
        (
            {
                "amount": {
                    "kind": "isee_bands",
                    "bands": [
                        {"isee_max": 600_000, "amount": 1},
                        {"isee_max": 300_000, "amount": 2},
                    ],
                }
            },
            "Fasce ISEE dell'importo: le fasce ISEE vanno indicate in ordine crescente, "
            "senza ripetizioni.",
        ),
        (
            {
                "amount": {"kind": "fixed", "base": 1},
                "scoring": {
                    "isee_bands": [
                        {"isee_max": 300_000, "points": 1},
                        {"isee_max": 300_000, "points": 2},
                    ]
                },
            },
            "Fasce ISEE del punteggio: le fasce ISEE vanno indicate in ordine crescente, "
            "senza ripetizioni.",
        ),
        (
            {"amount": {"kind": "isee_bands", "bands": "poche"}},
            "Fasce ISEE dell'importo: elenco non valido.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1}, "eligibility": {"isee_max": 0}},
            "Soglia ISEE: serve un numero intero non inferiore a 1.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1}, "eligibility": {"min_members": 0}},
            "Componenti minimi: serve un numero intero non inferiore a 1.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1}, "eligibility": {"municipalities": ["G587"]}},
            "Comuni di residenza: elenco non valido.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1}, "eligibility": {"excluded_calls": [0]}},
            "Bandi incompatibili: elenco non valido.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1}, "tie_breaks": ["sorteggio"]},
            "Criterio di parità sconosciuto.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1}, "tie_breaks": ["isee_asc", "isee_asc"]},
            "Un criterio di parità è ripetuto.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1}, "declarations": [{"code": "Vero!"}]},
            "Dichiarazioni: ogni voce ha un codice breve e diverso dagli altri.",
        ),
        (
            {
                "amount": {"kind": "fixed", "base": 1},
                "documents": [{"code": "isee"}, {"code": "isee"}],
            },
            "Documenti: ogni voce ha un codice breve e diverso dagli altri.",
        ),
        (
            {"amount": {"kind": "fixed", "base": 1}, "scoring": {"per_minor": -1}},
            "Punti per minore: serve un numero intero non inferiore a 0.",
        ),
    ],
)
def test_parse_rules_refuses_with_an_italian_message(data, message):
    assert refusal(data) == message
