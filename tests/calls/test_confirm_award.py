"""The ranking page's money-moving buttons go through a summary and an explicit confirmation:
"Rendi definitiva" (warning while appeals are open) and "Assegna i contributi". A POST without
"Ho verificato il riepilogo", or with the fingerprint of a summary that is no longer true,
moves nothing."""

import re

import pytest

from benecomune.calls.models import Award, CallStatus, Ranking, RankingKind
from benecomune.calls.services import definition, ranking
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import Transfer
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.funds import fund_summary
from tests.calls.factories import admitted_application
from tests.calls.test_ranking_award import SIMPLE_RULES

pytestmark = pytest.mark.django_db

AMOUNT = 10_000  # SIMPLE_RULES: a fixed 100,00 euro per application
BUDGET = 25_000  # two applications fit, the third does not


def _fingerprint(html: str) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)


@pytest.fixture
def closed_call(make_call, make_person, municipality, admin_actor):
    call = make_call(rules=SIMPLE_RULES, budget=BUDGET)
    people = [make_person(municipality, first_name=n, last_name="Verdi") for n in "ABC"]
    apps = [
        admitted_application(call, p, isee=100_000 * (i + 1), minutes=i)
        for i, p in enumerate(people)
    ]
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test")
        ranking.build_ranking(admin_actor, call, RankingKind.PROVISIONAL)
    call.refresh_from_db()
    return call, apps


@pytest.fixture
def admin_client(staff_client, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    return client


def _ledger_state(call):
    return (
        Transfer.objects_unscoped.count(),
        Award.objects_unscoped.filter(call=call).count(),
        fund_summary(call.fund)["available"],
    )


def _finalise(client, call, django_capture_on_commit_callbacks):
    url = f"/gestione/bandi/{call.pk}/graduatoria/"
    html = client.get(f"{url}conferma/final/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{url}avvia/final/",
            {"reason": "Nessun ricorso", "confirmed": "on", "fingerprint": _fingerprint(html)},
        )
    call.refresh_from_db()
    assert call.final_ranking_at is not None


def test_the_final_summary_warns_that_appeals_are_open(closed_call, admin_client):
    call, _apps = closed_call
    page = admin_client.get(f"/gestione/bandi/{call.pk}/graduatoria/")
    assert f"/gestione/bandi/{call.pk}/graduatoria/conferma/final/" in page.content.decode()
    html = admin_client.get(f"/gestione/bandi/{call.pk}/graduatoria/conferma/final/")
    text = html.content.decode()
    until = call.appeal_until.astimezone().strftime("%d/%m/%Y")
    assert "I ricorsi sono aperti fino al" in text and until in text
    assert 'data-testid="pending-appeals">Ricorsi ancora da decidere: 0.' in text
    # Three admitted at 100 euro each, 250 euro of budget: two funded, 200 euro.
    assert "Domande ammesse: 3." in text
    assert f"La graduatoria definitiva finanzia 2 domande, per {format_euro(2 * AMOUNT)}" in text
    assert "Ho verificato il riepilogo" in text


def test_the_final_ranking_needs_the_confirmation_and_a_current_summary(
    closed_call, admin_client, make_person, municipality, django_capture_on_commit_callbacks
):
    call, _apps = closed_call
    url = f"/gestione/bandi/{call.pk}/graduatoria/"
    fingerprint = _fingerprint(admin_client.get(f"{url}conferma/final/").content.decode())
    # Not ticked: refused, nothing built.
    response = admin_client.post(
        f"{url}avvia/final/", {"reason": "Nessun ricorso", "fingerprint": fingerprint}, follow=True
    )
    assert "Confermi di aver verificato il riepilogo" in response.content.decode()
    assert not Ranking.objects.filter(call=call, kind=RankingKind.FINAL).exists()
    # Another application is admitted after the summary was read: the summary is stale.
    admitted_application(call, make_person(municipality, first_name="Dora"), isee=50_000)
    stale = {"reason": "Nessun ricorso", "confirmed": "on", "fingerprint": fingerprint}
    response = admin_client.post(f"{url}avvia/final/", stale, follow=True)
    assert "Il riepilogo è cambiato: lo ricontrolli" in response.content.decode()
    assert not Ranking.objects.filter(call=call, kind=RankingKind.FINAL).exists()
    call.refresh_from_db()
    assert call.final_ranking_at is None
    # The page now shows four admitted; confirming that summary builds the final ranking.
    _finalise(admin_client, call, django_capture_on_commit_callbacks)
    final = Ranking.objects.get(call=call, kind=RankingKind.FINAL)
    assert final.entries_count == 4 and final.funded_count == 2


def test_the_award_summary_counts_totals_and_fund(
    closed_call, admin_client, django_capture_on_commit_callbacks
):
    call, _apps = closed_call
    _finalise(admin_client, call, django_capture_on_commit_callbacks)
    available = fund_summary(call.fund)["available"]
    page = admin_client.get(f"/gestione/bandi/{call.pk}/graduatoria/").content.decode()
    assert 'data-testid="award"' in page
    html = admin_client.get(f"/gestione/bandi/{call.pk}/graduatoria/conferma/award/")
    text = html.content.decode()
    assert f"Si assegnano {format_euro(2 * AMOUNT)} a 2 domande finanziate" in text
    assert "Solidarietà alimentare" in text  # the fund
    left = re.search(r'data-testid="confirm-budget-left">([^<]+)<', text).group(1)
    assert left.strip() == format_euro(BUDGET - 2 * AMOUNT)  # 250 of budget, 200 awarded
    after = re.search(r'data-testid="confirm-fund-after">([^<]+)<', text).group(1)
    expected_after = available + BUDGET - 2 * AMOUNT
    assert after.strip() == format_euro(expected_after)
    assert municipality_row(text, call)


def municipality_row(text, call):
    return re.search(rf"<th scope=\"row\">{call.organization.name}</th><td[^>]*>2</td>", text)


def test_an_award_without_confirmation_or_with_a_stale_summary_moves_nothing(
    closed_call, admin_client, django_capture_on_commit_callbacks
):
    call, _apps = closed_call
    _finalise(admin_client, call, django_capture_on_commit_callbacks)
    url = f"/gestione/bandi/{call.pk}/graduatoria/"
    fingerprint = _fingerprint(admin_client.get(f"{url}conferma/award/").content.decode())
    before = _ledger_state(call)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"{url}avvia/award/", {"fingerprint": fingerprint}, follow=True
        )
    assert "Confermi di aver verificato il riepilogo" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"{url}avvia/award/", {"confirmed": "on", "fingerprint": "0" * 24}, follow=True
        )
    assert "Il riepilogo è cambiato: lo ricontrolli" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"{url}avvia/award/", {"confirmed": "on"}, follow=True)
    assert "Il riepilogo è cambiato" in response.content.decode()
    assert _ledger_state(call) == before
    call.refresh_from_db()
    assert call.status == CallStatus.RANKED

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"{url}avvia/award/", {"confirmed": "on", "fingerprint": fingerprint})
    call.refresh_from_db()
    assert call.status == CallStatus.AWARDED
    awards = Award.objects_unscoped.filter(call=call)
    assert awards.count() == 2 and sum(a.amount for a in awards) == 2 * AMOUNT


def test_the_award_service_refuses_a_stale_fingerprint(
    closed_call, admin_actor, admin_client, django_capture_on_commit_callbacks
):
    from django.core.exceptions import ValidationError

    from benecomune.calls.services.award import award_call
    from benecomune.calls.services.confirm import summarise_award

    call, _apps = closed_call
    _finalise(admin_client, call, django_capture_on_commit_callbacks)
    before = _ledger_state(call)
    with all_tenants():
        with pytest.raises(ValidationError, match="Il riepilogo è cambiato"):
            award_call(admin_actor, call, expected_fingerprint="stale")
        assert _ledger_state(call) == before
        summary = summarise_award(call)
        assert (summary.count, summary.total) == (2, 2 * AMOUNT)
        award_call(admin_actor, call, expected_fingerprint=summary.fingerprint)
    call.refresh_from_db()
    assert call.status == CallStatus.AWARDED


def test_the_confirmation_is_also_a_panel_for_htmx(closed_call, admin_client):
    call, _apps = closed_call
    url = f"/gestione/bandi/{call.pk}/graduatoria/conferma/final/"
    panel = admin_client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="confirm-panel"' in panel and "<html" not in panel
