"""Public pages of calls, for anyone: a Comune's open calls (with the network calls it takes
part in), a network's calls, a call in plain Italian; drafts and other Comuni's calls never
show."""

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from benecomune.calls.models import Call, CallStatus
from benecomune.calls.services import definition
from benecomune.core.scoping import all_tenants
from benecomune.ledger.services.funds import add_contribution, create_fund
from tests.calls.conftest import FOOD_RULES

pytestmark = pytest.mark.django_db


def _call(actor, organization, fund, *, code, title, publish=True, shares=(), **fields):
    now = timezone.now()
    values = {
        "code": code,
        "title": title,
        "benefit_type": "voucher",
        "fund": fund,
        "budget": 100_000,
        "rules": FOOD_RULES,
        "opens_at": now - datetime.timedelta(days=1),
        "closes_at": now + datetime.timedelta(days=20),
        **fields,
    }
    with all_tenants():
        call = definition.create_call(actor, organization=organization, shares=shares, **values)
        if publish:
            call = definition.publish_call(actor, call)
    return call


@pytest.fixture
def calls(make_call, municipality, other_municipality, network, system_actor):
    """Piazzola: an open call and a draft; Limena: an open call; the network: a joint call
    with Piazzola only, and one with Limena only."""
    with all_tenants():
        limena_fund = create_fund(
            system_actor, organization=other_municipality, name="Fondo Limena", origin="municipal"
        )
        add_contribution(system_actor, limena_fund, contributor="Comune", amount=500_000)
        network_fund = create_fund(
            system_actor, organization=network, name="Fondo di rete", origin="mixed"
        )
        add_contribution(system_actor, network_fund, contributor="Comuni", amount=500_000)
    return {
        "open": make_call(title="Buoni spesa Piazzola", code="buoni-spesa"),
        "draft": make_call(publish=False, title="Bozza segreta Piazzola", code="bozza"),
        "limena": _call(
            system_actor, other_municipality, limena_fund, code="affitti", title="Affitti Limena"
        ),
        "joint": _call(
            system_actor,
            network,
            network_fund,
            code="centri-estivi",
            title="Centri estivi della rete",
            shares=[(municipality, 0)],
        ),
        "joint_limena": _call(
            system_actor,
            network,
            network_fund,
            code="trasporto-anziani",
            title="Trasporto anziani Limena",
            shares=[(other_municipality, 0)],
        ),
    }


def test_a_comunes_public_list(client, calls, municipality):
    response = client.get(reverse("calls:public_calls", args=[municipality.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Buoni spesa Piazzola" in html
    assert "Centri estivi della rete" in html and "Bando di Rete di prova" in html
    for hidden in ("Bozza segreta Piazzola", "Affitti Limena", "Trasporto anziani Limena"):
        assert hidden not in html


def test_the_other_comunes_list(client, calls, other_municipality):
    html = client.get(reverse("calls:public_calls", args=[other_municipality.slug])).content
    html = html.decode()
    assert "Affitti Limena" in html and "Trasporto anziani Limena" in html
    assert "Buoni spesa Piazzola" not in html and "Centri estivi della rete" not in html


def test_a_networks_list_has_every_open_call(client, calls, network):
    html = client.get(reverse("calls:public_calls", args=[network.slug])).content.decode()
    for title in (
        "Buoni spesa Piazzola",
        "Affitti Limena",
        "Centri estivi della rete",
        "Trasporto anziani Limena",
    ):
        assert title in html
    assert "Bozza segreta Piazzola" not in html


def test_the_comunes_public_page_has_a_calls_section(client, calls, municipality, network):
    html = client.get(reverse("core:organization_home", args=[municipality.slug])).content
    html = html.decode()
    assert "Aperti alle domande" in html and "Buoni spesa Piazzola" in html
    assert reverse("calls:public_calls", args=[municipality.slug]) in html
    assert "Bozza segreta Piazzola" not in html


def test_a_comune_without_open_calls_says_so(client, network):
    from benecomune.core.models import Municipality

    empty = Municipality.objects.create(
        name="Campodoro", slug="campodoro", istat_code="028018", network=network
    )
    html = client.get(reverse("core:organization_home", args=[empty.slug])).content.decode()
    assert "Nessun bando aperto in questo momento" in html
    listing = client.get(reverse("calls:public_calls", args=[empty.slug])).content.decode()
    assert "Nessun bando aperto in questo momento" in listing


def test_call_detail_in_plain_italian(client, calls, municipality):
    call = calls["open"]
    response = client.get(reverse("calls:public_call", args=[municipality.slug, call.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Domande aperte fino al" in html
    assert "Possono partecipare i nuclei familiari residenti nel Comune di Piazzola" in html
    assert "ISEE del nucleo non superiore a € 12.000,00" in html
    assert "Importo massimo per nucleo: € 400,00." in html
    assert "Documento d&#x27;identità (obbligatorio)" in html
    assert "Allo sportello" in html and "Verifica i requisiti" in html
    try:
        apply_url = reverse("calls:apply_start", kwargs={"pk": call.pk})
    except NoReverseMatch:
        apply_url = None
    if apply_url:  # the application pages belong to another part of the app
        assert f"{reverse('core:login')}?next={apply_url}" in html


def test_network_call_detail_from_the_comunes_address(client, calls, municipality):
    url = reverse("calls:public_call", args=[municipality.slug, calls["joint"].code])
    html = client.get(url).content.decode()
    assert "Centri estivi della rete" in html
    assert "Comune di Piazzola sul Brenta" in html


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("piazzola-sul-brenta", "non-esiste"),
        ("piazzola-sul-brenta", "bozza"),  # a draft
        ("piazzola-sul-brenta", "affitti"),  # Limena's call
        ("piazzola-sul-brenta", "trasporto-anziani"),  # a network call without Piazzola
        ("limena", "buoni-spesa"),  # Piazzola's call from Limena's address
        ("nessun-comune", "buoni-spesa"),
        ("gestione", "buoni-spesa"),  # a reserved first segment, not a Comune
    ],
)
def test_not_found(client, calls, slug, code):
    assert client.get(f"/{slug}/bandi/{code}/").status_code == 404
    assert client.get(f"/{slug}/bandi/{code}/verifica/").status_code == 404


def test_unknown_slug_list_is_404(client, calls):
    assert client.get("/nessun-comune/bandi/").status_code == 404


def test_upcoming_and_closed_calls(client, make_call, municipality, admin_actor):
    now = timezone.now()
    make_call(
        title="Bonus nuovi nati",
        code="nuovi-nati",
        opens_at=now + datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=30),
    )
    closed = make_call(title="Buoni scuola", code="buoni-scuola")
    with all_tenants():
        definition.close_call(admin_actor, closed, reason="Budget esaurito")
    listing = client.get(reverse("calls:public_calls", args=[municipality.slug]))
    assert [c.title for c in listing.context["upcoming"]] == ["Bonus nuovi nati"]
    assert listing.context["open_calls"] == []
    detail = client.get(reverse("calls:public_call", args=[municipality.slug, "buoni-scuola"]))
    html = detail.content.decode()
    assert "Le domande sono chiuse." in html and "Verifica i requisiti" not in html
    precheck = client.get(reverse("calls:precheck", args=[municipality.slug, "buoni-scuola"]))
    assert "la verifica non è più disponibile" in precheck.content.decode()
    upcoming = client.get(reverse("calls:public_call", args=[municipality.slug, "nuovi-nati"]))
    assert "Le domande si potranno presentare dal" in upcoming.content.decode()


def test_a_new_version_keeps_the_public_address(client, make_call, municipality, admin_actor):
    call = make_call(title="Buoni spesa", code="buoni")
    with all_tenants():
        draft = definition.new_version(admin_actor, call, reason="Correzione")
        definition.update_call(admin_actor, draft, title="Buoni spesa (corretto)")
        definition.publish_call(admin_actor, draft)
    html = client.get(reverse("calls:public_call", args=[municipality.slug, "buoni"])).content
    assert "Buoni spesa (corretto)" in html.decode()
    assert Call.objects_unscoped.get(pk=call.pk).status == CallStatus.SUPERSEDED
