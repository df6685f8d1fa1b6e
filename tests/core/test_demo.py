from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.calls.models import Application, Call
from benecomune.core.identifiers import parse_fiscal_code
from benecomune.core.models import (
    AuditEvent,
    Company,
    Household,
    HouseholdMember,
    Membership,
    Municipality,
    Network,
    Person,
    Provider,
    Role,
    User,
)
from benecomune.core.scoping import all_tenants
from benecomune.corporate.models import Employee
from benecomune.desk.models import Appointment, Case, CaseStatus, WelfarePoint
from benecomune.ledger.models import Entry, Fund, Transfer, Wallet
from benecomune.ledger.services.invariants import check_invariants


def counts():
    with all_tenants():
        return {
            model.__name__: model._base_manager.count()
            for model in (
                Network,
                Municipality,
                Provider,
                Company,
                Person,
                Household,
                HouseholdMember,
                User,
                Membership,
                AuditEvent,
                Employee,
                TOTPDevice,
                Fund,
                Wallet,
                Transfer,
                Entry,
            )
        }


def test_seed_demo_builds_the_network_and_is_idempotent(db):
    call_command("seed_demo", "--quiet-logins")
    first = counts()
    call_command("seed_demo", "--quiet-logins")
    assert counts() == first  # running it twice changes nothing, not even the audit

    with all_tenants():
        network = Network.objects.get(slug="alta-padovana")
        names = set(Municipality.objects.filter(network=network).values_list("name", flat=True))
        assert names == {
            "Piazzola sul Brenta",
            "Campodoro",
            "Campo San Martino",
            "Limena",
            "Villafranca Padovana",
        }
        assert Provider.objects.filter(provider_kind="social_cooperative").count() >= 3
        shops = Provider.objects.filter(provider_kind="shop")
        assert shops.count() >= 8
        assert {"grocery", "pharmacy", "bakery", "stationery"} <= set(
            shops.values_list("category", flat=True)
        )
        company = Company.objects.get()
        assert Employee.objects.filter(company=company).count() >= 10
        # The plan is funded and allocated through HR's services: every employee in the
        # period holds plan credit, and no more than the company paid in.
        from benecomune.corporate.services import funding

        version = company.welfare_plans.get().versions.get()
        figures = funding.plan_figures(version)
        assert figures["funded"] > 0 and figures["allocated"] == figures["funded"]
        plan_wallets = Wallet.objects.filter(source_kind="company_plan", organization=company)
        assert plan_wallets.count() >= 10
        # Some credit spent at a cooperative and a summer camp claim (f-bis) approved by HR:
        # the month's payroll export shows both, with the company's item codes.
        from benecomune.core.actors import Actor
        from benecomune.corporate.services import payroll_export

        export = payroll_export.build_export(
            Actor.system_actor("test"), company, payroll_export.current_period()
        )
        rows = {(r.basis_code, r.expense_year) for r in export.rows}
        year = payroll_export.current_period().year
        assert ("art51_c2_f_bis", None) in rows  # the cooperative's service
        assert ("art51_c2_f_bis", year) in rows  # the summer camp (CU 701 year)
        assert {r.item_code for r in export.rows} == {"0452"}
        assert export.total_exempt == 2_800 + 18_000
        people = list(Person.objects.all())
        assert len(people) >= 200
        for person in people:
            data = parse_fiscal_code(person.fiscal_code)
            assert data.birth_date == person.birth_date
        assert HouseholdMember.objects.count() == len(people)  # everyone in a household
        assert (
            Household.objects.filter(members__relationship="head").count()
            == Household.objects.count()
        )
        # The demo's money went through the ledger and its books balance.
        # Piazzola's food fund and its network fund, the network's joint-call fund, and the
        # company plan's fund.
        assert Fund.objects.count() == 4
        joint = Call.objects.get(code="buoni-spesa-rete-2026")
        assert (joint.share_mode, joint.redistribute_unused) == ("per_municipality", True)
        assert Application.objects.filter(call=joint, organization__slug="limena").count() == 3
        assert Wallet.objects.count() >= 10
        assert Wallet.objects.filter(person__user__email="cittadino@demo.benecomune.it").exists()
        assert check_invariants() == []
        # Three Welfare Points (Comune, union office, company), a case in every state at each.
        points = WelfarePoint.objects.all()
        assert set(points.values_list("kind", flat=True)) == {"municipal", "union", "company"}
        for point in points:
            states = set(Case.objects.filter(point=point).values_list("status", flat=True))
            assert states == set(CaseStatus.values)
        # The Comune's Point receives by appointment (closed one afternoon for training); the
        # demo citizen has one booked.
        comune_point = points.get(kind="municipal")
        assert comune_point.appointments_enabled
        assert Appointment.objects_unscoped.filter(
            point=comune_point, person__user__email="cittadino@demo.benecomune.it"
        ).exists()
        assert comune_point.closures.filter(reason="Formazione del personale").exists()
        roles = set(Membership.objects.values_list("role", flat=True))
        assert roles == set(Role.values)
        assert User.objects.filter(person__isnull=False, memberships__isnull=True).exists()


def test_seed_demo_prints_one_login_per_role(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    for label in (
        "Cittadino",
        "Sportellista",
        "Convalidatore",
        "Amministratore del Comune",
        "Esercente",
        "Operatore del fornitore",
        "Ufficio personale",
        "Amministratore della piattaforma",
        "Welfare Manager — Punto Welfare di Piazzola sul Brenta",
        "Welfare Manager — Punto Welfare presso la sede sindacale",
        "Welfare Manager — Punto Welfare aziendale Meccanica Brenta",
    ):
        assert label in out
    assert "BeneComune-2026" in out
