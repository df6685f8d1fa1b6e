"""Dashboards (issue 17 point 8): HR's plan dashboard matches the ledger to the cent after
activity made through the real services (allocation, till purchases, a void, a refund, an open
hold); the network's view of where corporate credit went; the network's page to record incoming
transfers; the employee's page with the plan's rules and where to spend; the employee list's
group filter and Excel export. Another company's rows are a 404."""

import datetime

import pytest
from django.urls import reverse

from benecomune.core.actors import Actor
from benecomune.core.models import Role
from benecomune.corporate.models import (
    CreditAllocation,
    FundingPayment,
    FundingRequest,
    FundingStatus,
)
from benecomune.corporate.services import allocation, dashboard, funding
from benecomune.corporate.services.dashboard import version_wallets
from benecomune.ledger.models import Account, Transfer, TransferKind
from benecomune.ledger.services import holds, refunds
from benecomune.ledger.services.statements import with_balances
from benecomune.vouchers.services import authorisations, redeem
from benecomune.vouchers.services.lookup import merchant_context
from tests.corporate.plan_wallet import approved_version, basis
from tests.helpers import login
from tests.vouchers.conftest import join_circuit, new_shop, qr

pytestmark = pytest.mark.django_db
RULES = [("art51_c2_f", "platform", None), ("art51_c3_goods", "platform", 50_000)]
TILL = Actor(user=None, system=True, label="cassa test")


def fund_and_allocate(actor, version, reference="CRO-1"):
    (request,) = funding.request_funding(actor, version, schedule="single")
    funding.record_payment(
        actor,
        request,
        amount=request.amount,
        received_on=datetime.date(2026, 1, 20),
        bank_reference=reference,
        accept_excess=False,
    )
    allocation.allocate(actor, version)


@pytest.fixture
def funded(hr_operator, hr_admin, company, imported):
    version = approved_version(hr_operator, hr_admin, company, RULES)
    fund_and_allocate(hr_admin, version)
    return version


@pytest.fixture
def till_shop(system_actor, company, municipality):
    shop = new_shop("Alimentari Brenta", company.network, municipality)
    join_circuit(system_actor, shop, company.network)
    return shop


def wallet_of(version, employee):
    return allocation.plan_wallets(version, employee).get()


@pytest.fixture
def activity(system_actor, funded, employee, till_shop):
    """Through the real services: two till purchases, one voided, a refund of part of the
    other, a hold authorised and not captured."""
    wallet = wallet_of(funded, employee)
    ctx = merchant_context(till_shop.pk)
    first = redeem.redeem(TILL, ctx, amount=12_345, idempotency_key="a1", code=qr(wallet))
    second = redeem.redeem(TILL, ctx, amount=4_000, idempotency_key="a2", code=qr(wallet))
    authorisations.void_redemption(TILL, ctx, second.pk, idempotency_key="v2")
    payment = Transfer.objects_unscoped.get(pk=first.transfer_id)
    refunds.refund(system_actor, payment, 2_345, idempotency_key="r1")
    holds.authorise(
        system_actor, wallet=wallet, merchant=till_shop, amount=1_000, idempotency_key="h1"
    )
    return {"spent": 12_345 - 2_345, "held": 1_000}


def test_plan_figures_match_the_ledger_to_the_cent(funded, activity):
    money = dashboard.money([funded])
    accounts = version_wallets([funded]).values("account_id")
    balances = with_balances(Account.objects_unscoped.filter(pk__in=accounts))
    awards = Transfer.objects_unscoped.filter(kind=TransferKind.AWARD, credit_account__in=accounts)
    allocated = sum(
        CreditAllocation.objects_unscoped.filter(version=funded).values_list("amount", flat=True)
    )
    assert money["allocated"] == allocated == sum(awards.values_list("amount", flat=True))
    assert money["allocated"] == funding.plan_figures(funded)["allocated"] > 0
    assert money["spent"] == activity["spent"] == 10_000
    assert money["unspent"] == sum(b.current_balance for b in balances)
    assert money["allocated"] == money["spent"] + money["unspent"] + money["returned"]
    categories = {r["basis"].code: r["amount"] for r in dashboard.by_category(funded)}
    # c.3: spent plus the open hold; lett. f: nothing yet.
    assert categories == {"art51_c2_f": 0, "art51_c3_goods": 10_000 + 1_000}
    (group,) = dashboard.by_group(funded)
    assert (group["employees"], group["allocated"], group["spent"]) == (4, allocated, 11_000)
    reached = dashboard.reached([funded])
    assert reached == {"total": 10_000, "cooperatives": 0, "shops": 10_000, "other_providers": 0}


def test_hr_dashboard_page_with_charts_tables_and_links(
    staff_client, company, funded, activity, other_company
):
    client, _user, _m = staff_client(Role.COMPANY_AUDITOR, company)
    url = reverse("corporate:plan_dashboard", args=[funded.pk])
    page = client.get(url).content.decode()
    assert "bc-chart" in page and "Speso o impegnato per voce" in page
    assert "€ 100,00" in page  # spent
    assert "Fringe benefit" in page or "art. 51" in page.lower()
    assert reverse("corporate:claims") in page
    assert reverse("core:audit") in page
    plan_page = client.get(reverse("corporate:plan", args=[funded.pk])).content.decode()
    assert url in plan_page
    other, _u, _m = staff_client(Role.COMPANY_HR, other_company)
    assert other.get(url).status_code == 404


def test_network_view_is_for_network_staff_and_company_hr_sees_only_its_own(
    staff_client, network, company, other_company, funded, activity
):
    admin, _u, _m = staff_client(Role.PLATFORM_ADMIN, network)
    page = admin.get(reverse("corporate:network_overview")).content.decode()
    assert company.name in page and other_company.name in page
    assert "€ 100,00" in page  # reached the shops
    own = reverse("corporate:company_overview", args=[company.pk])
    assert admin.get(own).status_code == 200
    hr, _u, _m = staff_client(Role.COMPANY_HR, company)
    assert hr.get(reverse("corporate:network_overview")).status_code == 403
    assert hr.get(own).status_code == 200
    assert hr.get(reverse("corporate:company_overview", args=[other_company.pk])).status_code == (
        404
    )


def test_network_treasury_records_an_incoming_transfer(
    staff_client, network, company, hr_operator, hr_admin, imported
):
    version = approved_version(hr_operator, hr_admin, company, RULES)
    (request,) = funding.request_funding(hr_admin, version, schedule="single")
    url = reverse("corporate:incoming_transfers")
    hr, _u, _m = staff_client(Role.COMPANY_HR, company)
    assert hr.get(url).status_code == 403
    admin, _u, _m = staff_client(Role.PLATFORM_ADMIN, network)
    page = admin.get(url).content.decode()
    assert request.reference in page
    bad = admin.post(
        url,
        {"request": request.pk, "amount": "abc", "received_on": "2026-02-03", "bank_reference": ""},
    )
    assert bad.status_code == 200
    request.refresh_from_db()
    assert request.status == FundingStatus.OPEN
    transfer = {
        "request": request.pk,
        "amount": "8.000,00",
        "received_on": "2026-02-03",
        "bank_reference": "CRO-RETE-1",
    }
    excess = 800_000 - request.amount  # Sara, hired in June, has 7/12 of the credit
    asked = admin.post(url, transfer)
    assert asked.status_code == 200
    assert "Confermo che il bonifico supera il dovuto di" in asked.content.decode()
    request.refresh_from_db()
    assert request.status == FundingStatus.OPEN
    ok = admin.post(url, {**transfer, "excess": str(excess), "accept_excess": "on"})
    assert ok.status_code == 302
    request = FundingRequest.objects_unscoped.get(pk=request.pk)
    assert (request.status, request.received) == (FundingStatus.PAID, 800_000)
    # The paid request leaves the list; a transfer posted against it is refused by name.
    again = admin.post(
        url,
        {
            "request": request.pk,
            "amount": "9.999.999,00",
            "received_on": "2026-02-03",
            "bank_reference": "CRO-RETE-2",
        },
    )
    assert again.status_code == 200
    assert f"{request.reference} è già pagata per intero" in again.content.decode()
    request = FundingRequest.objects_unscoped.get(pk=request.pk)
    assert (request.status, request.received) == (FundingStatus.PAID, 800_000)
    assert FundingPayment.objects_unscoped.filter(request=request).count() == 1


def test_employee_sees_rules_expiry_fringe_and_where_to_spend(
    client, make_user, funded, employee, till_shop, activity
):
    user = make_user("luca.bianchi@example.org", person=employee.person)
    login(client, user)
    page = client.get(reverse("corporate:my_claims")).content.decode()
    wallet = wallet_of(funded, employee)
    assert "31/12/2026" in page  # expiry
    assert "Le regole del piano" in page and "fringe benefit" in page
    assert "miei_buoni=on" in page
    assert reverse("vouchers:shops", args=[wallet.pk]) in page
    assert 'data-testid="fringe-cap"' in page
    assert client.get(reverse("vouchers:shops", args=[wallet.pk])).status_code == 200


def test_employee_list_filters_by_plan_group_and_exports_excel(
    staff_client, company, hr_operator, hr_admin, imported
):
    from benecomune.corporate.services import plans

    version = plans.create_plan(
        hr_operator,
        company,
        name="Welfare 2026",
        starts_on=datetime.date(2026, 1, 1),
        origin="company_contract",
    )
    quadri = plans.add_group(hr_operator, version, name="Quadri", category="quadro", credit=100_000)
    plans.add_group(hr_operator, version, name="Tutti", credit=50_000)
    plans.set_rule(
        hr_operator,
        version,
        legal_basis=basis("art51_c2_f"),
        delivery="platform",
        limit=None,
    )
    plans.submit(hr_operator, version)
    plans.approve(hr_admin, version)
    client, _u, _m = staff_client(Role.COMPANY_HR_OPERATOR, company)
    url = reverse("corporate:employees")
    page = client.get(url, {"group": quadri.pk}).content.decode()
    assert "MB003" in page and "MB001" not in page
    xlsx = client.get(url, {"formato": "xlsx"})
    assert xlsx.status_code == 200
    assert b"".join(xlsx).startswith(b"PK")
