"""Issue 13: the public list of calls (the Comune's page and "Tutti i bandi") shows open,
upcoming and closed calls in separate sections, closed ones with their rankings; a call
opening tomorrow is "in arrivo", and an awarded or concluded call does not vanish."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from benecomune.calls.models import CallStatus, RankingKind
from benecomune.calls.services import award as award_service
from benecomune.calls.services import definition, ranking
from benecomune.core.scoping import all_tenants
from tests.calls.factories import admitted_application

pytestmark = pytest.mark.django_db

RULES = {"amount": {"kind": "fixed", "base": 10_000}, "tie_breaks": []}


def _awarded(make_call, make_person, municipality, admin_actor, *, title, code):
    now = timezone.now()
    call = make_call(
        rules=RULES,
        budget=100_000,
        title=title,
        code=code,
        opens_at=now - datetime.timedelta(days=20),
        closes_at=now + datetime.timedelta(days=1),
    )
    admitted_application(call, make_person(municipality, first_name=title[:10]))
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test")
        ranking.build_ranking(admin_actor, call, RankingKind.PROVISIONAL)
        ranking.build_ranking(admin_actor, call, RankingKind.FINAL, reason="Nessun ricorso")
        award_service.award_call(admin_actor, call)
    call.refresh_from_db()
    assert call.status == CallStatus.AWARDED
    return call


@pytest.fixture
def calls(make_call, make_person, municipality, admin_actor):
    now = timezone.now()
    open_call = make_call(title="Bando aperto oggi", code="aperto", budget=100_000)
    upcoming = make_call(
        title="Bando che apre domani",
        code="domani",
        budget=100_000,
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
    )
    awarded = _awarded(
        make_call, make_person, municipality, admin_actor, title="Bando assegnato", code="assegnato"
    )
    concluded = _awarded(
        make_call, make_person, municipality, admin_actor, title="Bando concluso", code="concluso"
    )
    with all_tenants():
        definition.close_out_call(admin_actor, concluded, reason="Buoni consegnati")
    return {"open": open_call, "upcoming": upcoming, "awarded": awarded, "concluded": concluded}


def _sections(html: str) -> dict[str, str]:
    """Each section's markup, from its marker to the next marker (closed: to its list's end)."""
    starts = {
        testid: html.find(f'data-testid="{testid}"')
        for testid in ("open-calls", "upcoming-calls", "closed-calls")
    }
    starts = {k: v for k, v in starts.items() if v >= 0}
    found = {}
    for testid, start in starts.items():
        later = [v for v in starts.values() if v > start]
        end = min(later) if later else html.index("</ul>", start)
        found[testid] = html[start:end]
    return found


@pytest.mark.parametrize("page", ["comune", "list"])
def test_open_upcoming_and_closed_calls_in_their_own_sections(client, calls, municipality, page):
    url = (
        reverse("core:organization_home", args=[municipality.slug])
        if page == "comune"
        else reverse("calls:public_calls", args=[municipality.slug])
    )
    html = client.get(url).content.decode()
    sections = _sections(html)
    assert set(sections) == {"open-calls", "upcoming-calls", "closed-calls"}
    assert "Bando aperto oggi" in sections["open-calls"]
    assert "Bando che apre domani" not in sections["open-calls"]

    upcoming = sections["upcoming-calls"]
    assert "Bando che apre domani" in upcoming and "In arrivo" in upcoming
    assert re.search(r"apre il \d", upcoming)
    assert "Aperto" not in upcoming

    closed = sections["closed-calls"]
    for call in (calls["awarded"], calls["concluded"]):
        assert call.title in closed
        assert (
            reverse(
                "calls:public_ranking_download",
                kwargs={
                    "slug": municipality.slug,
                    "code": call.code,
                    "kind": "final",
                    "fmt": "pdf",
                },
            )
            in closed
        )
    assert "Contributi assegnati" in closed and "Concluso" in closed
    assert "Bando aperto oggi" not in closed and "Bando che apre domani" not in closed


def test_the_ranking_linked_from_the_list_downloads(client, calls, municipality):
    url = reverse(
        "calls:public_ranking_download",
        kwargs={"slug": municipality.slug, "code": "concluso", "kind": "final", "fmt": "csv"},
    )
    response = client.get(url)
    assert response.status_code == 200


def test_a_call_opening_tomorrow_is_not_open_on_its_page(client, calls, municipality):
    html = client.get(
        reverse("calls:public_call", args=[municipality.slug, "domani"])
    ).content.decode()
    assert 'data-testid="call-open"' not in html
    assert "Le domande si potranno presentare dal" in html
