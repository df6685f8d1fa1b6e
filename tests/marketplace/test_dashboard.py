"""The provider's dashboard (marketplace.services.dashboard, /gestione/fornitore/): figures
checked against data made through the real services (catalogue, accreditation uploads with
dates, a thread, payment intents captured and partly refunded, till sales), another provider's
figures never shown, citizens and anonymous refused, and a bound on the queries."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from benecomune.core.views.home import HOME_CARDS
from benecomune.ledger.models import WalletSource
from benecomune.ledger.services import funds, wallets
from benecomune.marketplace.home_cards import provider_dashboard
from benecomune.marketplace.models import AccreditationStatus
from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE
from benecomune.marketplace.services import accreditation as accreditations
from benecomune.marketplace.services import catalogue
from benecomune.marketplace.services.dashboard import (
    dashboard,
    period_of,
    revenue,
    urgent_items,
)
from benecomune.payments.services import checkout, refunds
from benecomune.payments.services.planning import gateway_leg, wallet_leg
from benecomune.vouchers.services import authorisations, redeem
from benecomune.vouchers.services.lookup import merchant_context
from tests.helpers import actor_for, login
from tests.ledger.conftest import ledger_stays_sound, make_fund, make_wallet  # noqa: F401
from tests.marketplace.conftest import TODAY, pdf
from tests.marketplace.test_catalogue import make_service
from tests.marketplace.threads_helpers import citizen, start  # noqa: F401
from tests.payments.conftest import fake_gateway  # noqa: F401
from tests.vouchers.conftest import join_circuit, qr

pytestmark = pytest.mark.django_db
_keys = itertools.count()


def key() -> str:
    return f"test-dashboard-{next(_keys)}"


@pytest.fixture
def system():
    return Actor.system_actor("test")


def paid(system, buyer, service, legs):
    """An intent for `service` paid by `legs`, authorised and captured."""
    intent = checkout.create_intent(
        system,
        buyer=buyer,
        payee=service.provider,
        amount=sum(leg.amount for leg in legs),
        legs=legs,
        idempotency_key=key(),
        object_type=SERVICE_OBJECT_TYPE,
        object_id=str(service.pk),
    )
    return checkout.capture(system, checkout.authorise(system, intent))


def company_wallet(system, company, make_fund, person, amount):  # noqa: F811
    fund = make_fund(amount, organization=company, contributor=company.name)
    wallet = wallets.open_wallet(
        system,
        person=person,
        organization=company,
        title="Piano welfare 2026",
        source_kind=WalletSource.COMPANY_PLAN,
        fund=fund,
    )
    funds.award(system, fund, wallet, amount)
    return wallet


def requirement(accreditation, key_):
    return next(r for r, _e in accreditations.checklist(accreditation) if r.key == key_)


@pytest.fixture
def scene(
    accredited,
    make_provider,
    system,
    citizen,  # noqa: F811
    company,
    make_fund,  # noqa: F811
    make_wallet,  # noqa: F811
    fake_gateway,  # noqa: F811
):
    """An accredited cooperative (family area) with services in every status, a document
    about to expire, a draft request with an expired one, a citizen's unread thread, and
    purchases paid by a Comune's voucher, a company plan and own money, partly refunded; and
    another cooperative with its own purchase."""
    provider, owner, accreditation = accredited
    person, _user, citizen_actor = citizen
    published = make_service(owner, provider)
    make_service(owner, provider, title="Doposcuola estivo")
    make_service(owner, provider, title="Bozza", publish=False)
    archived = make_service(owner, provider, title="Vecchio corso")
    with all_tenants():
        catalogue.archive(owner, archived)
        # The DURC renewed with a document expiring in 20 days (replaces the current one).
        durc = requirement(accreditation, "durc")
        accreditations.upload_evidence(
            owner,
            accreditation,
            durc,
            pdf("durc-nuovo.pdf", b"durc nuovo"),
            issued_on=TODAY - datetime.timedelta(days=100),
            expires_on=TODAY + datetime.timedelta(days=20),
            today=TODAY,
        )
        # A request for the home area, its DURC uploaded a month ago and expired 5 days ago.
        draft = accreditations.create_draft(owner, provider, area="home")
        accreditations.upload_evidence(
            owner,
            draft,
            requirement(draft, "durc"),
            pdf("durc-vecchio.pdf", b"durc vecchio"),
            issued_on=TODAY - datetime.timedelta(days=200),
            expires_on=TODAY - datetime.timedelta(days=5),
            today=TODAY - datetime.timedelta(days=30),
        )
    start(citizen_actor, provider, person)
    public = make_wallet(make_fund(10_000), 10_000, person=person)
    plan = company_wallet(system, company, make_fund, person, 5_000)
    # 20 € from the Comune's voucher and 10 € own money; 5 € refunded (own money first).
    first = paid(system, person, published, [wallet_leg(public, 2_000), gateway_leg("fake", 1_000)])
    refunds.refund(system, first, 500, idempotency_key=key())
    # 15 € from the company plan, 3 € refunded.
    second = paid(system, person, published, [wallet_leg(plan, 1_500)])
    refunds.refund(system, second, 300, idempotency_key=key())
    # Another cooperative: 7 € own money.
    other, other_owner = make_provider()
    other_service = make_service(other_owner, other, payable_by=["own"], accreditation_area="")
    paid(system, person, other_service, [gateway_leg("fake", 700)])
    return {
        "provider": provider,
        "owner": owner,
        "accreditation": accreditation,
        "draft": draft,
        "other": other,
        "other_owner": other_owner,
    }


def test_figures_of_the_provider(scene, django_assert_max_num_queries):
    provider, owner = scene["provider"], scene["owner"]
    # 8: one each part, the reviews' rating included.
    with django_assert_max_num_queries(8):
        board = dashboard(owner, provider, "mese", today=TODAY)
    assert {row["status"]: row["count"] for row in board.services} == {
        "draft": 1,
        "published": 2,
        "archived": 1,
    }
    assert board.services[0]["url"].endswith("/gestione/fornitore/servizi/?stato=draft")
    by_area = {row["area"]: row["accreditation"] for row in board.accreditations}
    assert by_area["family"].status == AccreditationStatus.ACCREDITED
    assert by_area["home"].status == AccreditationStatus.DRAFT
    assert by_area["wellbeing"] is None
    durc = "DURC (documento unico di regolarità contributiva)"
    assert [(d.title, d.area_label, d.days_left, d.expired) for d in board.documents] == [
        (durc, "Casa", -5, True),
        (durc, "Famiglia", 20, False),
    ]
    assert (board.messages.open_threads, board.messages.unread_threads) == (1, 1)
    assert board.messages.response_time == ""  # fewer than three answered threads
    money = board.revenue
    assert (money.public, money.company, money.own, money.total) == (2_000, 1_200, 500, 3_700)
    assert money.till is None  # a cooperative has no till


def test_revenue_by_period(scene):
    provider = scene["provider"]
    today = timezone.localdate()
    assert revenue(provider, period_of("mese", today)).total == 3_700
    assert revenue(provider, period_of("anno", today)).total == 3_700
    assert revenue(provider, period_of("mese-scorso", today)).total == 0


def test_periods():
    day = datetime.date(2026, 3, 15)
    assert (period_of("mese", day).start, period_of("mese", day).end) == (
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
    )
    last = period_of("mese-scorso", datetime.date(2026, 1, 10))
    assert (last.start, last.end) == (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))
    year = period_of("anno", day)
    assert (year.start, year.end) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert period_of("<script>", day).key == "mese"


def test_another_provider_sees_only_its_own(scene):
    other, other_owner = scene["other"], scene["other_owner"]
    board = dashboard(other_owner, other, "mese", today=TODAY)
    money = board.revenue
    assert (money.public, money.company, money.own) == (0, 0, 700)
    assert board.documents == []
    assert board.messages.unread_threads == 0
    assert all(row["accreditation"] is None for row in board.accreditations)
    # Asking for the first provider's figures with the other's staff: refused.
    with pytest.raises(PermissionDenied):
        dashboard(other_owner, scene["provider"])
    with pytest.raises(PermissionDenied):
        urgent_items(other_owner, scene["provider"])


def test_page_of_the_provider_and_period_filter(client, scene):
    owner = scene["owner"]
    page = login(client, owner.user, owner.membership)
    response = page.get(reverse("marketplace:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<td class="text-end" data-testid="revenue-public">€ 20,00</td>' in html
    assert 'data-testid="revenue-company">€ 12,00</td>' in html
    assert 'data-testid="revenue-own">€ 5,00</td>' in html
    assert 'data-testid="revenue-total">€ 37,00</td>' in html
    assert "€ 7,00" not in html  # the other cooperative's sale
    assert 'data-testid="services-published">2</span>' in html
    assert "DURC" in html and "scaduto da" in html
    assert "1 conversazione con messaggi da leggere" in html
    draft_url = reverse("marketplace:my_accreditation", args=[scene["draft"].pk])
    assert f'href="{draft_url}"' in html
    last_month = page.get(reverse("marketplace:dashboard"), {"periodo": "mese-scorso"})
    assert 'data-testid="revenue-total">€ 0,00</td>' in last_month.content.decode()
    assert '<option value="mese-scorso" selected>' in last_month.content.decode()


def test_page_of_the_other_provider_shows_its_own_figures(client, scene):
    other_owner = scene["other_owner"]
    page = login(client, other_owner.user, other_owner.membership)
    html = page.get(reverse("marketplace:dashboard")).content.decode()
    assert 'data-testid="revenue-own">€ 7,00</td>' in html
    assert 'data-testid="revenue-total">€ 7,00</td>' in html
    assert "€ 37,00" not in html and "DURC" not in html


def test_citizen_and_anonymous_are_refused(client, scene, citizen):  # noqa: F811
    url = reverse("marketplace:dashboard")
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("core:login"))
    _person, user, _actor = citizen
    page = login(client, user)
    assert page.get(url).status_code == 403


def test_home_card_lists_the_most_urgent_first(client, scene):
    owner = scene["owner"]
    assert provider_dashboard in HOME_CARDS[Role.PROVIDER_STAFF]
    assert provider_dashboard in HOME_CARDS[Role.MERCHANT_STAFF]
    items = urgent_items(owner, scene["provider"], today=TODAY)
    assert [item["kind"] for item in items] == ["expired", "unread", "expiring"]
    page = login(client, owner.user, owner.membership)
    html = page.get("/").content.decode()
    assert "Cruscotto del fornitore" in html
    expired_on = (TODAY - datetime.timedelta(days=5)).strftime("%d/%m/%Y")
    assert (
        f"Da vedere: DURC (documento unico di regolarità contributiva) scaduto il {expired_on}; "
        "1 conversazione con messaggi da leggere; DURC" in html
    )
    assert reverse("marketplace:dashboard") in html


def test_shop_till_takings_come_from_the_takings_service(
    shop,
    make_user,
    make_fund,  # noqa: F811
    make_wallet,  # noqa: F811
    make_person,
    municipality,
    network,
    system,
    client,
    django_assert_max_num_queries,
):
    join_circuit(system, shop, municipality)
    user = make_user("cassa@example.org", role=Role.MERCHANT_STAFF, organization=shop)
    cashier = actor_for(user, Role.MERCHANT_STAFF, shop)
    person = make_person(municipality)
    voucher = make_wallet(
        make_fund(100_000), 10_000, person=person, categories=["grocery"], network=network
    )
    ctx = merchant_context(shop.pk)
    redeem.redeem(cashier, ctx, amount=1_250, idempotency_key=key(), code=qr(voucher))
    # The two-step till payment runs through a payment intent: counted once, as a till sale.
    held = authorisations.authorise(
        cashier, ctx, code=qr(voucher), amount=800, idempotency_key=key()
    )
    authorisations.capture(cashier, ctx, held.pk, idempotency_key=key())
    with django_assert_max_num_queries(10):  # the rating of the reviews: one more
        board = dashboard(cashier, shop, "mese")
    money = board.revenue
    assert (money.public, money.company, money.own, money.total) == (0, 0, 0, 0)
    assert (money.till.count, money.till.net) == (2, 2_050)
    html = login(client, user, cashier.membership).get(reverse("marketplace:dashboard"))
    assert 'data-testid="revenue-till">€ 20,50</td>' in html.content.decode()
