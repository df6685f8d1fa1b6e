"""Payouts refuse with `PayoutError`, as calls with `CallError` and vouchers with
`VoucherError`: pages and forms still catch it as a ValidationError."""

import ast
from pathlib import Path

from django.core.exceptions import ValidationError

from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.services.sale_voids import SaleInIssuedNote

SERVICES = Path(__file__).resolve().parents[2] / "src/benecomune/payouts/services"


def bare_validation_errors() -> list[str]:
    found = []
    for path in sorted(SERVICES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                if isinstance(func, ast.Name) and func.id == "ValidationError":
                    found.append(f"{path.name}:{node.lineno}")
    return found


def test_payout_services_raise_payout_errors():
    assert bare_validation_errors() == []
    assert issubclass(PayoutError, ValidationError)
    assert issubclass(SaleInIssuedNote, PayoutError)
