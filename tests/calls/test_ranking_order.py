"""The ranking follows the call's rules whatever path an application took to get there.

Applications go through the real services (submission, clarification answer, appeal and
"Ripeti le verifiche") in reverse score order, so a ranking that fell back to submission time
would come out reversed. The expected order is computed here from the households themselves
(points per ISEE band and per minor, then lower ISEE, then more minors, then submission order),
independently of anything the application stores.
"""

import importlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benecomune.calls import rules as engine
from benecomune.calls.models import Application, Call, RankingKind
from benecomune.calls.services import applications as services
from benecomune.calls.services import definition, ranking, review
from benecomune.calls.services.ranking_check import check_ranking_consistency
from benecomune.core.scoping import all_tenants
from benecomune.core.services.people import add_household_member, create_household
from tests.calls.applications_factory import citizen
from tests.calls.factories import isee_record
from tests.calls.review_factory import full_checklist

pytestmark = pytest.mark.django_db

BANDS = [(300_000, 30), (600_000, 20), (1_500_000, 10)]
PER_MINOR = 5
BANDS_JSON = [{"isee_max": cap, "points": points} for cap, points in BANDS]
RULES = {
    "eligibility": {"isee_max": 1_500_000},
    "amount": {"kind": "fixed", "base": 10_000},
    "scoring": {
        "isee_bands": BANDS_JSON,
        "per_minor": PER_MINOR,
    },
    "tie_breaks": ["isee_asc", "minors_desc"],
    "declarations": [{"code": "truthful", "text": "Dichiaro che i dati sono veri."}],
}
# Declared at first by applications that go through a clarification: the lowest band.
WRONG_ISEE = 1_400_000
SURNAMES = ["Rossi", "Bianchi", "Verdi", "Neri", "Galli", "Conti", "Fabbri", "Moretti"]


def expected_key(isee: int, minors: int, order: int) -> tuple:
    """The call's rules, written out: score descending, ISEE ascending, minors descending,
    then whoever applied first."""
    points = next(p for cap, p in BANDS if isee <= cap) + PER_MINOR * minors
    return (-points, isee, -minors, order)


class World:
    """A Comune's staff and a way to make households that apply to a call."""

    def __init__(self, make_person, make_user, municipality, admin, operator, validator):
        self.make_person, self.make_user = make_person, make_user
        self.municipality = municipality
        self.admin, self.operator, self.validator = admin, operator, validator
        self.serial = 0

    def household(self, isee: int, minors: int):
        """Head, `minors` children and an INPS record of `isee`; returns (citizen, head, isee)."""
        self.serial += 1
        name = SURNAMES[self.serial % len(SURNAMES)]
        with all_tenants():
            head = self.make_person(self.municipality, first_name="Anna", last_name=name, sex="F")
            household = create_household(self.admin, head=head, address="Via Roma 1")
            for n in range(minors):
                child = self.make_person(
                    self.municipality,
                    first_name=f"Figlio{chr(65 + n)}",
                    last_name=name,
                    birthdate="01/01/2016",
                )
                add_household_member(self.admin, household, child, "child")
        record = isee_record(head, [head], isee, f"{self.serial:09d}")
        return citizen(self.make_user, head)[1], head, record

    def apply(self, call, isee: int, minors: int, *, via_clarification=False) -> Application:
        """Submit through the submission service; with `via_clarification` the first
        submission declares a wrong ISEE, which the applicant corrects in answering the desk's
        clarification request."""
        actor, head, record = self.household(isee, minors)
        with all_tenants():
            application = services.start_application(actor, call, head)
            services.save_draft(
                actor,
                application,
                isee_value=WRONG_ISEE if via_clarification else record.value,
                isee_protocol=record.protocol,
                isee_date=record.issued_on,
                declarations={"truthful": True},
            )
            services.submit_application(actor, application)
            if via_clarification:
                review.request_application_clarification(
                    self.operator, application, "Verifichi il valore ISEE dichiarato."
                )
                services.save_draft(actor, application, isee_value=record.value)
                services.answer_clarification(actor, application, "Ho corretto il valore ISEE.")
            return Application.objects_unscoped.get(pk=application.pk)

    def admit(self, application) -> None:
        with all_tenants():
            review.save_checklist(self.operator, application, full_checklist(application))
            review.complete_instruction(self.operator, application, "admit")
            review.decide(self.validator, application, True, "")

    def close(self, call) -> None:
        with all_tenants():
            definition.close_call(self.admin, call, reason="Prova: chiusura anticipata")

    def rank(self, call, kind) -> list[int]:
        with all_tenants():
            built = ranking.build_ranking(self.admin, call, kind, reason="Nessun ricorso")
            return list(built.entries.order_by("position").values_list("application_id", flat=True))


@pytest.fixture
def world(make_person, make_user, municipality, admin_actor, operator_actor, validator_actor):
    return World(make_person, make_user, municipality, admin_actor, operator_actor, validator_actor)


def test_ranking_follows_score_and_tie_breaks_through_every_path(make_call, world):
    """Worst first: (ISEE, minors, path). Ties on score are broken by ISEE, ties on score and
    ISEE by minors, full ties by submission order."""
    households = [
        (1_200_000, 0, "submit"),  # 10 points
        (1_000_000, 1, "clarify"),  # 15
        (500_000, 0, "submit"),  # 20, ISEE 500k
        (450_000, 0, "clarify"),  # 20, ISEE 450k: ahead of the one above
        (250_000, 0, "submit"),  # 30, ISEE 250k, 0 minors
        (550_000, 2, "submit"),  # 30, ISEE 550k
        (250_000, 0, "submit"),  # 30, ISEE 250k, 0 minors: full tie, applied later
        (200_000, 2, "clarify"),  # 40
    ]
    call = make_call(rules=RULES, budget=1_000_000)
    apps = [
        world.apply(call, isee, minors, via_clarification=path == "clarify")
        for isee, minors, path in households
    ]
    expected = [
        app.pk
        for _key, app in sorted(
            (expected_key(isee, minors, n), app)
            for n, ((isee, minors, _path), app) in enumerate(zip(households, apps, strict=True))
        )
    ]
    world.close(call)
    for app in apps:
        world.admit(app)
    assert world.rank(call, RankingKind.PROVISIONAL) == expected
    assert check_ranking_consistency(call) == []

    # An accepted appeal: back to the validator, "Ripeti le verifiche", admitted again. The
    # appellant keeps the place the rules give it (it used to drop to the bottom).
    appellant = apps[3]
    with all_tenants():
        ranking.reopen_for_appeal(world.admin, appellant, reason="Ricorso: ISEE corretto")
        review.recheck(world.operator, appellant)
        review.decide(world.validator, appellant, True, "Ricorso accolto")
    assert world.rank(call, RankingKind.FINAL) == expected
    assert check_ranking_consistency(call) == []


households = st.lists(
    st.tuples(
        st.sampled_from([150_000, 300_000, 450_000, 600_000, 900_000, 1_500_000]),
        st.integers(min_value=0, max_value=2),
        st.booleans(),  # through a clarification
    ),
    min_size=2,
    max_size=6,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(households=households)
def test_ranking_equals_the_rules_for_random_households(households, make_call, world):
    # Submitted in reverse of the expected order: a ranking by time would come out reversed.
    order = sorted(
        range(len(households)),
        key=lambda n: expected_key(households[n][0], households[n][1], -n),
        reverse=True,
    )
    with transaction.atomic():
        call = make_call(rules=RULES, budget=1_000_000)
        submitted = []
        for n in order:
            isee, minors, clarify = households[n]
            app = world.apply(call, isee, minors, via_clarification=clarify)
            submitted.append(((isee, minors), app))
        expected = [
            app.pk
            for _key, app in sorted(
                (expected_key(isee, minors, position), app)
                for position, ((isee, minors), app) in enumerate(submitted)
            )
        ]
        world.close(call)
        for _facts, app in submitted:
            world.admit(app)
        assert world.rank(call, RankingKind.PROVISIONAL) == expected
        assert check_ranking_consistency(call) == []
        transaction.set_rollback(True)


# --- the consistency check and the data migration -----------------------------------------


def _broken_call(make_call, world):
    call = make_call(rules=RULES, budget=1_000_000)
    low = world.apply(call, 1_200_000, 0)
    high = world.apply(call, 200_000, 1, via_clarification=True)
    # What main stored before the fix: the key never saved (a raw update, as old rows are).
    Application.objects_unscoped.filter(pk__in=[low.pk, high.pk]).update(rank_key="")
    return call, low, high


def test_consistency_check_and_command_report_a_stale_key(make_call, world):
    call, low, high = _broken_call(make_call, world)
    problems = check_ranking_consistency(call)
    assert sorted(p.application_id for p in problems) == sorted([low.pk, high.pk])
    assert "chiave di graduatoria" in str(problems[0])
    with pytest.raises(CommandError) as info:
        call_command("calls_check", stderr=io.StringIO())
    assert "2 problema" in str(info.value)


def test_consistency_check_reports_a_ranking_out_of_order(make_call, world):
    call = make_call(rules=RULES, budget=1_000_000)
    low = world.apply(call, 1_200_000, 0)
    high = world.apply(call, 200_000, 1)
    world.close(call)
    world.admit(low)
    world.admit(high)
    good = dict(Application.objects_unscoped.values_list("pk", "rank_key"))
    # Keys damaged behind the model's back (raw update): the ranking follows them.
    Application.objects_unscoped.filter(pk=low.pk).update(rank_key="")
    assert world.rank(call, RankingKind.PROVISIONAL) == [low.pk, high.pk]
    Application.objects_unscoped.filter(pk=low.pk).update(rank_key=good[low.pk])
    problems = check_ranking_consistency(call)  # keys right again, the built ranking not
    assert [p.application_id for p in problems] == [high.pk]
    assert "posizione 2" in str(problems[0])


def test_data_migration_repairs_stored_keys(make_call, world):
    call, low, high = _broken_call(make_call, world)
    migration = importlib.import_module("benecomune.calls.migrations.0002_recompute_rank_key")
    state = MigrationExecutor(connection).loader.project_state(("calls", "0002_recompute_rank_key"))
    assert migration.recompute_rank_keys(state.apps, None) == 2
    assert check_ranking_consistency(call) == []
    out = io.StringIO()
    call_command("calls_check", stdout=out)
    assert "OK" in out.getvalue()
    assert migration.recompute_rank_keys(state.apps, None) == 0  # nothing left to repair
    keys = dict(Application.objects_unscoped.values_list("pk", "rank_key"))
    assert keys[high.pk] < keys[low.pk]


def test_saving_the_score_saves_its_key(make_call, world):
    """No caller can forget the key: a partial save of the score carries it along, and moves
    `updated_at` (auto_now is only written when listed)."""
    call = make_call(rules=RULES, budget=1_000_000)
    app = world.apply(call, 500_000, 0)
    before = app.updated_at
    app.score += 1_000
    with all_tenants():
        app.save(update_fields=["score"])
    stored = Application.objects_unscoped.get(pk=app.pk)
    assert stored.rank_key == app.rank_key and stored.rank_key.startswith(
        f"{10**12 - stored.score:013d}"
    )
    assert stored.updated_at > before
    assert check_ranking_consistency(call) == []


def test_publishing_freezes_the_rules_it_validated(make_call, admin_actor):
    """Publishing normalises the rules before freezing them; the normalised rules are saved
    (they were left out of the field list, so a call edited behind the form kept the raw JSON)."""
    call = make_call(rules=RULES, publish=False)
    raw = {key: value for key, value in RULES.items() if key != "tie_breaks"}
    Call.objects_unscoped.filter(pk=call.pk).update(rules=raw)
    with all_tenants():
        definition.publish_call(admin_actor, Call.objects_unscoped.get(pk=call.pk))
    stored = Call.objects_unscoped.get(pk=call.pk).rules
    assert stored == engine.parse_rules(raw).to_json() != raw
