"""Which shops the public pages show supporting a shared value project: a shop's page says
"Sostiene il progetto" while an agreement both sides signed is in force, "Ha sostenuto il
progetto" with the period once it ended (by its date or early); a proposal, a refused or a
withdrawn one never shows. The project's page lists the same shops under "Esercenti che
sostengono il progetto" and "Hanno sostenuto il progetto"; the network's page names no shop.

Each state is made through the real services; the days before today through a clock moved
with `timezone.now` (the ledger passes it to its SQL function too)."""

import datetime
from unittest import mock

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benecomune.observatory.models import AgreementState, ProjectStatus
from benecomune.observatory.services import shared_value as sv
from benecomune.observatory.services import shared_value_display as display
from tests.observatory import shared_value_helpers as h
from tests.vouchers.conftest import new_shop

h.use_voucher_fixtures(globals())

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
STATES = ("proposed", "live", "ended_by_date", "ended_early", "refused", "withdrawn")


def at(day: datetime.date):
    """The clock at noon of `day`."""
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    return mock.patch("django.utils.timezone.now", return_value=noon)


def d(day: datetime.date) -> str:
    return f"{day:%d/%m/%Y}"


@pytest.fixture
def pay(make_fund, make_wallet, system_actor):
    """pay(shop, cents): a voucher's payment at the shop (10 % of it goes to the project)."""
    return h.payer(make_fund, make_wallet, system_actor)


def in_state(state, party_actor, party, shop_actor, shop, project, pay):
    """An agreement of `shop` with `project` in `state`, with a € 10 payment where it
    routes one; returns the period the pages should print for an ended one."""
    if state in ("proposed", "refused", "withdrawn"):
        made = h.proposal(party_actor, party, shop, project)
        if state == "refused":
            assert sv.refuse_agreement(shop_actor, made, reason="No").state == state
        elif state == "withdrawn":
            assert sv.withdraw_agreement(party_actor, made).state == state
        return None
    if state == "live":
        made = h.proposal(party_actor, party, shop, project)
        sv.accept_agreement(shop_actor, made)
        pay(shop)
        return None
    if state == "ended_by_date":
        start, end = TODAY - 60 * DAY, TODAY - 10 * DAY
        with at(start - DAY):
            made = h.proposal(party_actor, party, shop, project, start=start, end=end)
            sv.accept_agreement(shop_actor, made)
        with at(TODAY - 30 * DAY):
            pay(shop)
        return f"dal {d(start)} al {d(end)}"
    # ended early: signed for a year, ended by the shop on the day of its payment
    start, last = TODAY - 45 * DAY, TODAY - 30 * DAY
    with at(last):
        made = h.proposal(party_actor, party, shop, project, start=start, end=TODAY + 300 * DAY)
        sv.accept_agreement(shop_actor, made)
        pay(shop)
        ended = sv.end_agreement(shop_actor, made, last_day=last, reason="Chiudiamo.")
    assert ended.state == AgreementState.ENDED
    return f"dal {d(start)} al {d(last)}"


def page(url):
    response = Client().get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def texts(tree, testid) -> list[str]:
    """The items of the list with this data-testid, whitespace collapsed."""
    return [
        " ".join(li.text_content().split()) for li in tree.xpath(f'//*[@data-testid="{testid}"]/li')
    ]


def shop_page(municipality, shop):
    return page(reverse("marketplace:catalogue_provider", args=[municipality.slug, shop.slug]))


def project_page(project):
    return page(reverse("observatory:sv_project", args=[project.pk]))


@pytest.mark.parametrize("state", STATES)
def test_each_agreement_state_on_the_shop_and_the_project_pages(
    state, comune, make_user, municipality, member_shop, project, pay
):
    shop_actor = h.merchant_actor(make_user, member_shop)
    h.publish(shop_actor, member_shop)
    period = in_state(state, comune, municipality, shop_actor, member_shop, project, pay)
    shop = shop_page(municipality, member_shop)
    public = project_page(project)
    text = " ".join(public.text_content().split())
    title = project.title
    if state == "live":
        assert texts(shop, "sv-shop-current") == [
            f"Sostiene il progetto «{title}»: € 1,00 donati finora. Scopri il progetto {title}"
        ]
        assert texts(shop, "sv-shop-past") == []
        assert texts(public, "sv-supporters") == [
            f"{member_shop.name}: € 1,00 donati finora (accordo dal {d(TODAY - DAY)})"
        ]
        assert texts(public, "sv-past-supporters") == []
    elif period:  # ended, by its date or early
        assert texts(shop, "sv-shop-current") == []
        assert texts(shop, "sv-shop-past") == [
            f"Ha sostenuto il progetto «{title}» ({period}): € 1,00 donati. "
            f"Scopri il progetto {title}"
        ]
        assert texts(public, "sv-supporters") == []
        assert texts(public, "sv-past-supporters") == [
            f"{member_shop.name}, {period}: € 1,00 donati"
        ]
        assert "Nessun esercente ha un accordo in corso." in text
    else:  # a proposal: waiting, refused or withdrawn
        assert not shop.xpath('//*[@data-testid="shared-value-shop"]')
        assert display.shop_projects(member_shop) == []
        assert member_shop.name not in text
        assert "Nessun esercente ha un accordo in corso." in text
        assert "Nessun acquisto ancora." in text


def test_a_renewed_agreement_shows_once_as_current_and_a_future_one_not_yet(
    comune, make_user, municipality, network, member_shop, project, pay
):
    shop_actor = h.merchant_actor(make_user, member_shop)
    h.publish(shop_actor, member_shop)
    in_state("ended_by_date", comune, municipality, shop_actor, member_shop, project, pay)
    # Another shop has signed one that starts next month: not supporting yet.
    later = new_shop("Ferramenta Futura", network, municipality)
    start = TODAY + 30 * DAY
    made = h.proposal(comune, municipality, later, project, start=start, end=start + 90 * DAY)
    sv.accept_agreement(h.merchant_actor(make_user, later), made)
    assert display.shop_projects(later) == []
    # The first shop signs again from yesterday: it supports the project, once, with all it
    # gave (the € 1 of the first agreement and the € 2 of this one).
    again = h.proposal(comune, municipality, member_shop, project)
    sv.accept_agreement(shop_actor, again)
    pay(member_shop, 2_000)
    (row,) = display.shop_projects(member_shop)
    assert (row["current"], row["amount"], row["since"]) == (True, 300, TODAY - DAY)
    public = project_page(project)
    assert texts(public, "sv-supporters") == [
        f"{member_shop.name}: € 3,00 donati finora (accordo dal {d(TODAY - DAY)})"
    ]
    assert texts(public, "sv-past-supporters") == []
    assert later.name not in public.text_content()


def test_the_standing_agreement_decides_whether_the_shop_is_named(
    comune, make_user, municipality, member_shop, project, pay
):
    """Named in an agreement that ended, not named in the one in force: not named anywhere,
    counted among those who chose not to appear."""
    shop_actor = h.merchant_actor(make_user, member_shop)
    in_state("ended_by_date", comune, municipality, shop_actor, member_shop, project, pay)
    again = h.proposal(comune, municipality, member_shop, project)
    sv.accept_agreement(shop_actor, again, named_publicly=False)
    pay(member_shop)
    assert display.shop_projects(member_shop) == []
    public = project_page(project)
    assert member_shop.name not in public.text_content()
    assert "E 1 esercente che ha scelto di non comparire." in public.text_content()


def test_a_closed_project_is_supported_no_more(
    comune, make_user, municipality, member_shop, project, pay
):
    shop_actor = h.merchant_actor(make_user, member_shop)
    in_state("live", comune, municipality, shop_actor, member_shop, project, pay)
    sv.set_project_status(comune, project, ProjectStatus.CLOSED)
    (row,) = display.shop_projects(member_shop)
    # Its agreement still runs by its dates, but a closed project routes nothing.
    assert (row["current"], row["period"], row["amount"]) == (False, f"dal {d(TODAY - DAY)}", 100)
    public = project_page(project)
    assert texts(public, "sv-supporters") == []
    assert texts(public, "sv-past-supporters") == [
        f"{member_shop.name}, dal {d(TODAY - DAY)}: € 1,00 donati"
    ]
    assert "Il progetto è concluso: non raccoglie più fondi." in public.text_content()


def test_a_network_project_page_and_the_network_page(make_user, network, municipality, pay):
    """The network's project lists its shops as a Comune's does; the network's page shows its
    projects' figures and names no shop."""
    net = h.network_actor(make_user, network)
    project = h.project(net, network, h.body(network, municipality))
    shops = {
        state: new_shop(f"Bottega {state}", network, municipality)
        for state in ("live", "ended_by_date", "refused", "withdrawn")
    }
    periods = {
        state: in_state(state, net, network, h.merchant_actor(make_user, shop), shop, project, pay)
        for state, shop in shops.items()
    }
    public = project_page(project)
    assert texts(public, "sv-supporters") == [
        f"{shops['live'].name}: € 1,00 donati finora (accordo dal {d(TODAY - DAY)})"
    ]
    assert texts(public, "sv-past-supporters") == [
        f"{shops['ended_by_date'].name}, {periods['ended_by_date']}: € 1,00 donati"
    ]
    for state in ("refused", "withdrawn"):
        assert shops[state].name not in public.text_content()
    network_page = page(reverse("observatory:sv_network", args=[network.pk]))
    text = " ".join(network_page.text_content().split())
    assert project.title in text and "Raccolti € 2,00 da 2 acquisti con il welfare" in text
    assert not any(shop.name in text for shop in shops.values())
