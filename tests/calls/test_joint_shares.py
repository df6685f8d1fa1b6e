"""Joint calls of a network: each Comune's share enforced (or only reported), redistribution,
the same numbers in the dry run, the ranking page, the award and the reports; and who among the
Comuni sees the call, its ranking and which applications.

Two Comuni: Limena (share 5.000 euro) and Piazzola (share 10.000 euro), budget 15.000 euro.
Every household asks a fixed 2.000 euro; Limena's four households rank above Piazzola's three
(lower ISEE). In one network ranking all seven are funded and Limena's residents get 8.000 euro
against a share of 5.000 (what issue 12 saw: 10.750 on 5.000); with a share per Comune they get
4.000 (the third 2.000 no longer fits in the 1.000 left), unless the unused shares are
redistributed.
"""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from benecomune.calls.models import (
    Award,
    Call,
    CallStatus,
    Ranking,
    RankingKind,
    ShareMode,
)
from benecomune.calls.services import award as award_service
from benecomune.calls.services import definition, ranking
from benecomune.calls.services.applications import start_application
from benecomune.calls.services.drafts import save_draft
from benecomune.calls.services.review.decisions import decide
from benecomune.calls.services.shares import (
    SharePlan,
    allocate,
    awarded_by_municipality,
    ranking_allocation,
)
from benecomune.calls.services.submission import submit_application
from benecomune.core.models import Municipality, Role
from benecomune.core.scoping import all_tenants
from benecomune.core.services.people import add_household_member, create_household
from benecomune.ledger.services.funds import add_contribution, create_fund, fund_summary
from benecomune.ledger.services.invariants import check_invariants
from benecomune.payouts.exports_reports import call_report
from tests.calls.applications_factory import citizen, pdf_text
from tests.calls.factories import isee_record
from tests.calls.review_factory import instruct
from tests.calls.test_definition_pages import editor_data
from tests.helpers import actor_for, login

pytestmark = pytest.mark.django_db

EUR = 100
AMOUNT = 2_000 * EUR
RULES = {
    "eligibility": {"isee_max": 2_000_000},
    "amount": {"kind": "fixed", "base": AMOUNT},
    "scoring": {"isee_bands": [{"isee_max": 2_000_000, "points": 20}]},
    "tie_breaks": ["isee_asc"],
    "declarations": [{"code": "truthful", "text": "Dichiaro che i dati sono veri."}],
}
LIMENA_ISEE = [100_000, 150_000, 200_000, 250_000]
PIAZZOLA_ISEE = [300_000, 350_000, 400_000]


# --- the pure allocation ------------------------------------------------------------------------


def test_network_ranking_is_strict_and_shares_only_report():
    plan = SharePlan(budget=500, shares={1: 100, 2: 400})
    result = allocate([(200, 1), (200, 1), (200, 2), (50, 2)], plan)
    # 200 + 200 fit, the next 200 does not: it ends the funded part, the 50 below waits too.
    assert result.funded == [True, True, False, False]
    assert (result.totals[1].awarded, result.totals[1].difference) == (400, 300)
    assert (result.totals[2].awarded, result.totals[2].difference) == (0, -400)


def test_per_comune_share_is_strict_within_the_comune():
    plan = SharePlan(budget=500, mode=ShareMode.PER_MUNICIPALITY, shares={1: 300, 2: 200})
    rows = [(200, 1), (200, 1), (100, 2), (50, 1), (100, 2), (100, 2)]
    result = allocate(rows, plan)
    # Comune 1: 200 fits, the next 200 does not and closes it (the 50 below does not jump
    # ahead); Comune 2: 100 + 100, then its share is used up.
    assert result.funded == [True, False, True, False, True, False]
    assert [result.totals[m].awarded for m in (1, 2)] == [200, 200]
    for totals in result.totals.values():
        assert totals.awarded <= totals.share


def test_redistribution_goes_down_the_common_ranking_in_strict_order():
    plan = SharePlan(
        budget=500, mode=ShareMode.PER_MUNICIPALITY, redistribute=True, shares={1: 300, 2: 200}
    )
    rows = [(200, 1), (200, 1), (100, 2), (150, 1), (50, 2)]
    result = allocate(rows, plan)
    # First pass: 200 (1), 100 (2), 50 (2); unused 100 + 50 = 150. Then down the ranking: the
    # second 200 does not fit the 150 left, so nobody below it gets the leftovers either.
    assert result.funded == [True, False, True, False, True]
    assert result.funded_total == 350
    plan_more = SharePlan(
        budget=700, mode=ShareMode.PER_MUNICIPALITY, redistribute=True, shares={1: 300, 2: 400}
    )
    result = allocate(rows, plan_more)
    assert result.funded == [True, True, True, True, True]
    # Comune 1: 200 from its share (the next 200 did not fit the 100 left, which joins the
    # unused pool); 200 and 150 from the pool.
    assert (result.totals[1].awarded, result.totals[1].redistributed) == (550, 350)
    assert result.funded_total <= plan_more.budget


# --- a joint call through the real services -------------------------------------------------


@pytest.fixture
def third_municipality(network):
    """A Comune of the network that does not pay into the joint call."""
    return Municipality.objects.create(
        name="Campo San Martino",
        slug="campo-san-martino",
        istat_code="028017",
        cadastral_code="B563",
        province="PD",
        network=network,
    )


@pytest.fixture
def network_actor(make_user, network):
    user = make_user("rete.quote@example.org", role=Role.PLATFORM_ADMIN, organization=network)
    return actor_for(user, Role.PLATFORM_ADMIN, network)


@pytest.fixture
def comune_staff(make_user, municipality, other_municipality):
    """Desk operator and validator of each Comune: each instructs and decides its residents."""
    staff = {}
    for comune in (municipality, other_municipality):
        for role in (Role.DESK_OPERATOR, Role.VALIDATOR):
            user = make_user(f"{role}.{comune.slug}@example.org", role=role, organization=comune)
            staff[(comune.pk, role)] = actor_for(user, role, comune)
    return staff


@pytest.fixture
def joint_fund(network, network_actor):
    with all_tenants():
        fund = create_fund(
            network_actor, organization=network, name="Fondo di rete", origin="municipal"
        )
        add_contribution(network_actor, fund, contributor="Comune di Limena", amount=5_000 * EUR)
        add_contribution(network_actor, fund, contributor="Comune di Piazzola", amount=10_000 * EUR)
    return fund


def _family(make_person, make_user, system_actor, comune, isee, n):
    with all_tenants():
        head = make_person(comune, first_name="Anna", last_name=f"Quota{chr(65 + n)}", sex="F")
        child = make_person(
            comune, first_name="Piero", last_name=f"Quota{chr(65 + n)}", birthdate="01/01/2015"
        )
        household = create_household(system_actor, head=head, address="Via Roma 1")
        add_household_member(system_actor, household, child, "child")
    record = isee_record(head, [head, child], isee, f"{n + 500:09d}")
    _user, actor = citizen(make_user, head)
    return head, actor, record


@pytest.fixture
def build_joint(
    network,
    municipality,
    other_municipality,
    network_actor,
    comune_staff,
    joint_fund,
    make_person,
    make_user,
    system_actor,
):
    """build_joint(mode, redistribute) -> (call, {"limena": [apps], "piazzola": [apps]}),
    with the final ranking built (not yet awarded)."""

    def build(mode, redistribute=False):
        now = timezone.now()
        with all_tenants():
            call = definition.create_call(
                network_actor,
                organization=network,
                shares=[(other_municipality, 5_000 * EUR), (municipality, 10_000 * EUR)],
                code="fondo-rete-2026",
                title="Contributo di rete 2026",
                benefit_type="voucher",
                fund=joint_fund,
                budget=15_000 * EUR,
                share_mode=mode,
                redistribute_unused=redistribute,
                rules=RULES,
                opens_at=now - datetime.timedelta(days=1),
                closes_at=now + datetime.timedelta(days=30),
                spend_from=now.date(),
                spend_until=now.date() + datetime.timedelta(days=180),
            )
            definition.publish_call(network_actor, call)
        apps = {"limena": [], "piazzola": []}
        families = [("limena", other_municipality, isee) for isee in LIMENA_ISEE] + [
            ("piazzola", municipality, isee) for isee in PIAZZOLA_ISEE
        ]
        for n, (key, comune, isee) in enumerate(families):
            head, actor, record = _family(make_person, make_user, system_actor, comune, isee, n)
            with all_tenants():
                application = start_application(actor, call, head)
                save_draft(
                    actor,
                    application,
                    isee_value=record.value,
                    isee_protocol=record.protocol,
                    isee_date=record.issued_on,
                    declarations={"truthful": True},
                )
                application = submit_application(actor, application)
            instruct(comune_staff[(comune.pk, Role.DESK_OPERATOR)], application)
            with all_tenants():
                decide(comune_staff[(comune.pk, Role.VALIDATOR)], application, True, "")
            apps[key].append(application)
        with all_tenants():
            definition.close_call(network_actor, call, reason="Prova: chiusura anticipata")
            ranking.build_ranking(network_actor, call, RankingKind.PROVISIONAL)
            ranking.build_ranking(
                network_actor, call, RankingKind.FINAL, reason="Nessun ricorso presentato"
            )
        call.refresh_from_db()
        return call, apps

    return build


def _funded(call) -> set[int]:
    final = Ranking.objects.get(call=call, kind=RankingKind.FINAL)
    return set(final.entries.filter(funded=True).values_list("application_id", flat=True))


def _award(call, actor):
    with all_tenants():
        award_service.award_call(actor, call)
    call.refresh_from_db()
    assert call.status == CallStatus.AWARDED


def _dry_run_by_name(call) -> dict:
    with all_tenants():
        result = definition.dry_run(call)
    return {row["name"]: row for row in result["by_municipality"]}


def _owner_client(make_user_client, network):
    return make_user_client("rete.pagine@example.org", Role.PLATFORM_ADMIN, network)


@pytest.fixture
def make_user_client(make_user):
    """A separate logged-in client per staff user (one test client holds one session)."""

    def make(email, role, organization):
        from benecomune.core.models import Membership

        user = make_user(email, role=role, organization=organization)
        membership = Membership.objects.get(user=user, organization=organization, role=role)
        return login(Client(), user, membership)

    return make


def test_share_per_comune_caps_each_comunes_residents(
    build_joint,
    network,
    municipality,
    other_municipality,
    network_actor,
    joint_fund,
    make_user_client,
):
    call, apps = build_joint(ShareMode.PER_MUNICIPALITY)
    limena, piazzola = apps["limena"], apps["piazzola"]
    # Limena: two of 2.000 within its 5.000 (the third no longer fits the 1.000 left);
    # Piazzola: all three, 6.000 of its 10.000. Nothing redistributed.
    assert _funded(call) == {limena[0].pk, limena[1].pk, *(a.pk for a in piazzola)}
    # The dry run (every household of the registry applying) gives the same split.
    dry = _dry_run_by_name(call)
    assert (dry["Limena"]["share"], dry["Limena"]["funded_cost"]) == (500_000, 400_000)
    assert dry["Piazzola sul Brenta"]["funded_cost"] == 600_000
    # The ranking page shows it, to the owner.
    owner = _owner_client(make_user_client, network)
    page = owner.get(reverse("calls:ranking", args=[call.pk])).content.decode()
    assert "Quote dei Comuni" in page
    assert f'data-testid="share-funded-{other_municipality.pk}">€ 4.000,00' in page
    assert f'data-testid="share-funded-{municipality.pk}">€ 6.000,00' in page
    assert "Si assegnano € 10.000,00 a 5 domande finanziate." in page
    _award(call, network_actor)
    awarded = awarded_by_municipality(call)
    assert awarded == {other_municipality.pk: 400_000, municipality.pk: 600_000}
    with all_tenants():
        shares = dict(call.shares.values_list("municipality_id", "amount"))
    for comune, total in awarded.items():
        assert total <= shares[comune]
    page = owner.get(reverse("calls:ranking", args=[call.pk])).content.decode()
    assert f'data-testid="share-awarded-{other_municipality.pk}">€ 4.000,00' in page
    # The budget not awarded went back to the fund; the ledger balances.
    summary = fund_summary(joint_fund)
    assert (summary["awarded"], summary["reserved"]) == (1_000_000, 0)
    assert check_invariants() == []


def test_redistribution_gives_unused_shares_down_the_common_ranking(
    build_joint, municipality, other_municipality, network_actor
):
    call, apps = build_joint(ShareMode.PER_MUNICIPALITY, redistribute=True)
    # Piazzola's unused 4.000 (and Limena's 1.000) fund Limena's third and fourth households.
    assert _funded(call) == {a.pk for a in apps["limena"] + apps["piazzola"]}
    final = Ranking.objects.get(call=call, kind=RankingKind.FINAL)
    allocation, agrees = ranking_allocation(final)
    assert agrees
    assert allocation.totals[other_municipality.pk].redistributed == 400_000
    dry = _dry_run_by_name(call)
    assert dry["Limena"]["funded_cost"] == 800_000
    assert dry["Limena"]["redistributed"] == 400_000
    _award(call, network_actor)
    assert awarded_by_municipality(call) == {
        other_municipality.pk: 800_000,
        municipality.pk: 600_000,
    }
    assert check_invariants() == []


def test_network_ranking_reports_each_comunes_cost_against_its_share(
    build_joint, municipality, other_municipality, network_actor
):
    call, apps = build_joint(ShareMode.NETWORK)
    assert _funded(call) == {a.pk for a in apps["limena"] + apps["piazzola"]}
    _award(call, network_actor)
    assert awarded_by_municipality(call)[other_municipality.pk] == 800_000
    with all_tenants():
        content, _name = call_report(call, "xlsx")
    sheet = load_workbook(io.BytesIO(content))["Quote dei Comuni"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Limena"] == (5_000.0, 8_000.0, 3_000.0)
    assert rows["Piazzola sul Brenta"] == (10_000.0, 6_000.0, -4_000.0)
    with all_tenants():
        content, _name = call_report(call, "pdf")
    text = pdf_text(content)
    assert "Quote dei Comuni" in text
    assert "Graduatoria unica della rete" in text


def test_award_refuses_a_ranking_that_breaks_the_shares(build_joint, network_actor):
    call, apps = build_joint(ShareMode.PER_MUNICIPALITY)
    final = Ranking.objects.get(call=call, kind=RankingKind.FINAL)
    # A ranking that funds a Limena household beyond the share (as before the fix).
    final.entries.filter(application=apps["limena"][2]).update(funded=True)
    with all_tenants(), pytest.raises(Exception, match="quote dei Comuni"):
        award_service.award_call(network_actor, call)
    assert not Award.objects_unscoped.filter(call=call).exists()


# --- who sees a joint call --------------------------------------------------------------------


def test_contributing_comune_sees_the_call_its_ranking_and_only_its_residents(
    build_joint,
    network,
    municipality,
    other_municipality,
    third_municipality,
    make_user_client,
):
    call, apps = build_joint(ShareMode.PER_MUNICIPALITY)
    limena_admin = make_user_client(
        "admin@limena.example.org", Role.MUNICIPALITY_ADMIN, other_municipality
    )
    listing = limena_admin.get(reverse("calls:call_list")).content.decode()
    assert "Contributo di rete 2026" in listing
    detail = limena_admin.get(reverse("calls:call_detail", args=[call.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Quota di ciascun Comune" in html
    assert reverse("calls:call_close_out", args=[call.pk]) not in html  # it does not manage it
    assert limena_admin.get(reverse("calls:call_edit", args=[call.pk])).status_code == 404
    page = limena_admin.get(reverse("calls:ranking", args=[call.pk]))
    assert page.status_code == 200
    assert "Quote dei Comuni" in page.content.decode()
    assert "build-final" not in page.content.decode()
    download = limena_admin.get(reverse("calls:ranking_download", args=[call.pk, "final", "csv"]))
    assert download.status_code == 200
    # Its residents' applications, and not the other Comune's.
    listed = limena_admin.get(reverse("calls:review_list"), {"call": call.pk, "status": ""})
    text = listed.content.decode()
    assert all(a.protocol in text for a in apps["limena"])
    assert not any(a.protocol in text for a in apps["piazzola"])
    own = apps["limena"][0]
    assert limena_admin.get(reverse("calls:review_detail", args=[own.pk])).status_code == 200
    other = apps["piazzola"][0]
    assert limena_admin.get(reverse("calls:review_detail", args=[other.pk])).status_code == 404


def test_a_comune_that_does_not_contribute_gets_404(
    build_joint, third_municipality, make_user_client
):
    call, _apps = build_joint(ShareMode.PER_MUNICIPALITY)
    outsider = make_user_client(
        "admin@campo.example.org", Role.MUNICIPALITY_ADMIN, third_municipality
    )
    assert (
        "Contributo di rete 2026" not in outsider.get(reverse("calls:call_list")).content.decode()
    )
    assert outsider.get(reverse("calls:call_detail", args=[call.pk])).status_code == 404
    assert outsider.get(reverse("calls:ranking", args=[call.pk])).status_code == 404
    url = reverse("calls:ranking_download", args=[call.pk, "final", "csv"])
    assert outsider.get(url).status_code == 404


def test_the_owner_sees_and_manages_everything(build_joint, network, make_user_client):
    call, apps = build_joint(ShareMode.PER_MUNICIPALITY)
    owner = _owner_client(make_user_client, network)
    html = owner.get(reverse("calls:call_detail", args=[call.pk])).content.decode()
    assert 'data-testid="count-admitted">7<' in html
    page = owner.get(reverse("calls:ranking", args=[call.pk])).content.decode()
    assert 'data-testid="award"' in page
    listed = owner.get(reverse("calls:review_list"), {"call": call.pk, "status": ""})
    assert all(a.protocol in listed.content.decode() for a in apps["limena"] + apps["piazzola"])


# --- the editor --------------------------------------------------------------------------------


def _share_data(fund, municipality, other_municipality, **extra):
    return editor_data(
        fund,
        budget="15.000,00",
        **{
            f"share_{other_municipality.pk}": "on",
            f"share_{other_municipality.pk}_amount": "5.000,00",
            f"share_{municipality.pk}": "on",
            f"share_{municipality.pk}_amount": "10.000,00",
        },
        **extra,
    )


def test_editor_sets_the_kind_of_joint_call_and_versions_keep_it(
    network, municipality, other_municipality, joint_fund, network_actor, make_user_client
):
    owner = _owner_client(make_user_client, network)
    form = owner.get(reverse("calls:call_create")).content.decode()
    assert "Come si usano le quote" in form
    assert "Ridistribuire le quote non usate" in form
    refused = owner.post(
        reverse("calls:call_create"),
        _share_data(
            joint_fund,
            municipality,
            other_municipality,
            share_mode="network",
            redistribute_unused="on",
        ),
    )
    assert refused.status_code == 200
    assert "La ridistribuzione vale solo se il budget è diviso nelle quote dei Comuni." in (
        refused.content.decode()
    )
    assert not Call.objects_unscoped.exists()
    response = owner.post(
        reverse("calls:call_create"),
        _share_data(
            joint_fund,
            municipality,
            other_municipality,
            share_mode="per_municipality",
            redistribute_unused="on",
        ),
    )
    assert response.status_code == 302
    call = Call.objects_unscoped.get()
    assert (call.share_mode, call.redistribute_unused) == (ShareMode.PER_MUNICIPALITY, True)
    with all_tenants():
        definition.publish_call(network_actor, call)
        draft = definition.new_version(network_actor, call, reason="Soglia corretta")
    assert (draft.share_mode, draft.redistribute_unused) == (ShareMode.PER_MUNICIPALITY, True)
    assert owner.get(reverse("calls:call_edit", args=[call.pk])).status_code == 302  # frozen


def test_share_per_comune_needs_every_share(
    network, municipality, other_municipality, joint_fund, network_actor
):
    with all_tenants(), pytest.raises(Exception, match="indichi la quota di ciascuno"):
        definition.create_call(
            network_actor,
            organization=network,
            shares=[(other_municipality, 0), (municipality, 0)],
            code="senza-quote",
            title="Senza quote",
            benefit_type="voucher",
            fund=joint_fund,
            budget=15_000 * EUR,
            share_mode=ShareMode.PER_MUNICIPALITY,
            rules=RULES,
            opens_at=timezone.now(),
            closes_at=timezone.now() + datetime.timedelta(days=3),
        )
    assert not Call.objects_unscoped.exists()
