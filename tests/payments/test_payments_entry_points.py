"""One way to pay: outside the ledger and payments, no module calls the ledger's payment
primitives (`wallets.pay_from_wallet`, `linked`, `holds`, `refunds`); they go through
`payments.services.checkout` (intents) or `payments.services.immediate` (one step). The one
exception is the till's fenced performance island, `vouchers/services/one_statement.py`
(equivalence: tests/vouchers/test_vouchers_linked.py, tests/ledger/test_spending_policy_sql.py)."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "benecomune"
PRIMITIVES = {
    "benecomune.ledger.services.linked",
    "benecomune.ledger.services.holds",
    # A purchase is refunded through payments.services.refunds, which keeps the intent's books.
    "benecomune.ledger.services.refunds",
}
PRIMITIVE_NAMES = {("benecomune.ledger.services.wallets", "pay_from_wallet")}
OWNERS = {"ledger", "payments"}
ISLANDS = {"vouchers/services/one_statement.py"}


def _uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name in PRIMITIVES]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in PRIMITIVES or node.module in PRIMITIVES:
                    found.append(full)
                if (node.module, alias.name) in PRIMITIVE_NAMES:
                    found.append(full)
        elif isinstance(node, ast.Attribute) and node.attr == "pay_from_wallet":
            found.append("wallets.pay_from_wallet")
    return found


def offenders() -> dict[str, list[str]]:
    result = {}
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if relative.split("/")[0] in OWNERS or "/migrations/" in relative:
            continue
        if relative in ISLANDS:
            continue
        uses = _uses(ast.parse(path.read_text()))
        if uses:
            result[relative] = uses
    return result


def test_only_payments_calls_the_ledgers_payment_primitives():
    assert offenders() == {}


def test_the_scan_sees_each_kind_of_use():
    source = """
from benecomune.ledger.services import holds
from benecomune.ledger.services.linked import pay_and_record
from benecomune.ledger.services.wallets import pay_from_wallet
import benecomune.ledger.services.linked
wallets.pay_from_wallet(actor)
"""
    uses = _uses(ast.parse(source))
    assert "benecomune.ledger.services.holds" in uses
    assert "benecomune.ledger.services.linked.pay_and_record" in uses
    assert "benecomune.ledger.services.wallets.pay_from_wallet" in uses
    assert "benecomune.ledger.services.linked" in uses
    assert "wallets.pay_from_wallet" in uses
