"""Words and codes on Italian pages: no role codes, action codes or cents in the audit log,
its CSV export and the activity feeds; plurals through ngettext; protocol numbers."""

import ast
import csv
import io
from pathlib import Path

from django.urls import reverse

from benecomune.core.audit import ACTION_LABELS
from benecomune.core.models import Job, OrganizationKind, Role
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import FundOrigin, TransferKind
from benecomune.ledger.services import funds
from tests.helpers import actor_for

SRC = Path(__file__).resolve().parents[2] / "src" / "benecomune"


def _constants(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _constants(node.body) + _constants(node.orelse)
    return []


def audit_actions_in_source() -> dict[str, str]:
    """Every action string passed to audit.record / record_many (or to a helper as
    `action=`) anywhere under src, with where it is written."""
    found = {}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            values = []
            if name in ("record", "record_many") and len(node.args) >= 2:
                values += _constants(node.args[1])
            values += [
                v for kw in node.keywords if kw.arg == "action" for v in _constants(kw.value)
            ]
            for value in values:
                if "." in value:  # argparse's action="store_true" is not an audit action
                    found.setdefault(value, f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_every_audit_action_written_by_services_has_an_italian_label():
    found = audit_actions_in_source()
    assert len(found) > 50  # the collector sees the services' calls
    # Actions built from a kind: f"ledger.{kind}" and f"{org.kind}.created".
    built = [f"ledger.{kind}" for kind in TransferKind.values]
    built += [f"{kind}.created" for kind in OrganizationKind.values]
    missing = {a: where for a, where in found.items() if a not in ACTION_LABELS}
    missing.update({a: "built from a kind" for a in built if a not in ACTION_LABELS})
    assert missing == {}
    for action in list(found) + built:
        assert ACTION_LABELS[action] and str(ACTION_LABELS[action]) != action


def _admin_moves_money(staff_client, municipality):
    client, user, _membership = staff_client(
        Role.MUNICIPALITY_ADMIN, municipality, email="anna.bianchi@example.org"
    )
    actor = actor_for(user, Role.MUNICIPALITY_ADMIN, municipality)
    with all_tenants():
        fund = funds.create_fund(
            actor,
            organization=municipality,
            name="Fondo sociale",
            origin=FundOrigin.MUNICIPAL,
            legal_basis="Delibera di Giunta n. 1/2026",
        )
        transfer = funds.add_contribution(actor, fund, contributor="Regione Veneto", amount=45000)
    return client, transfer


CODES = ("municipality_admin", "ledger.contribution", "contribution 45000", "45000")


def test_audit_page_shows_roles_actions_and_euro_in_italian(staff_client, municipality):
    client, transfer = _admin_moves_money(staff_client, municipality)
    page = client.get(reverse("core:audit")).content.decode()
    assert "Amministratore del Comune" in page
    assert str(TransferKind.CONTRIBUTION.label) in page
    assert f"Movimento n. {transfer.pk} di € 450,00" in page
    assert "importo: € 450,00" in page
    for code in CODES:
        assert code not in page, code


def test_audit_export_is_in_italian(staff_client, municipality, django_capture_on_commit_callbacks):
    client, transfer = _admin_moves_money(staff_client, municipality)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:audit_export"))
    with all_tenants():
        job = Job.objects.get(kind="audit.export")
        text = job.result_file.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    contribution = next(r for r in rows if r[4] == str(TransferKind.CONTRIBUTION.label))
    assert contribution[2] == "Amministratore del Comune"
    assert contribution[5] == f"Movimento n. {transfer.pk} di € 450,00"
    assert "€ 450,00" in contribution[9]
    for code in CODES:
        assert code not in text, code


def test_municipality_home_feed_describes_money_in_euro(staff_client, municipality):
    client, transfer = _admin_moves_money(staff_client, municipality)
    page = client.get(reverse("core:home")).content.decode()
    assert f"Movimento n. {transfer.pk} di € 450,00" in page
    assert "contribution 45000" not in page


def test_procedures_are_named_as_such_not_by_their_command(municipality, system_actor):
    from benecomune.core.audit_display import role_label

    assert role_label(system_actor.role) == "Procedura automatica"
    assert role_label("ledger_expire") == "Procedura automatica"
    assert role_label("citizen") == "Cittadino"
    assert role_label(Role.DESK_OPERATOR) == "Sportellista"


def test_home_counters_use_singular_and_plural(staff_client, municipality):
    client, user, _m = staff_client(
        Role.MUNICIPALITY_ADMIN, municipality, email="anna.bianchi@example.org"
    )
    actor = actor_for(user, Role.MUNICIPALITY_ADMIN, municipality)

    def new_fund(name):
        with all_tenants():
            funds.create_fund(
                actor,
                organization=municipality,
                name=name,
                origin=FundOrigin.MUNICIPAL,
                legal_basis="Delibera di Giunta n. 1/2026",
            )

    new_fund("Fondo uno")
    assert "1 fondo, saldo complessivo" in client.get(reverse("core:home")).content.decode()
    new_fund("Fondo due")
    assert "2 fondi, saldo complessivo" in client.get(reverse("core:home")).content.decode()
    page = client.get(reverse("core:home")).content.decode()
    assert "0 note di debito da approvare; 0 pagamenti pronti" in page
