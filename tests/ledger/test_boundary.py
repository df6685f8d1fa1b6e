"""The ledger boundary: only `benecomune.ledger` writes `ledger_*` tables.

Every module of the other apps (migrations aside) is parsed: a write through a ledger model
(`Account.objects.create`, `...filter().update()`, `bulk_create`, `insert_rows(Wallet, ...)`)
or raw SQL that inserts, updates or deletes a `ledger_` table fails the test, naming the line.
Reading ledger models and calling ledger services and functions (`ledger_transfer()`) is fine.
"""

import ast
import re
from pathlib import Path

import benecomune
from benecomune.ledger import models as ledger_models

ROOT = Path(benecomune.__file__).parent
LEDGER_MODELS = set(ledger_models.__all__)
WRITES = {
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
}
# Writes known to be on their way out (work in progress elsewhere), each with the ledger service
# to call instead. Remove an entry when its write is gone.
PENDING: set[str] = set()
RAW_WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+ledger_\w+", re.I)


def _root_name(node) -> str | None:
    """The name a call chain starts from: `Account` in Account.objects.filter(...).update."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _ledger_names(tree) -> set[str]:
    """Local names bound to ledger models by `from benecomune.ledger.models import ...`."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "benecomune.ledger.models"
        ):
            names |= {a.asname or a.name for a in node.names if a.name in LEDGER_MODELS}
    return names


def violations(source: str, label: str) -> list[str]:
    found = [
        f"{label}:{source.count(chr(10), 0, m.start()) + 1}: raw SQL {m.group(0)!r}"
        for m in RAW_WRITE.finditer(source)
    ]
    if label.endswith(".sql"):
        return found
    tree = ast.parse(source)
    models = _ledger_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in WRITES
            and _root_name(func.value) in models
        ):
            found.append(f"{label}:{node.lineno}: {_root_name(func.value)}.{func.attr}()")
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if (
            name in ("insert_rows", "bulk_create")
            and node.args
            and _root_name(node.args[0]) in models
        ):
            found.append(f"{label}:{node.lineno}: {name}({_root_name(node.args[0])})")
    return found


def _modules():
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT)
        if path.suffix not in (".py", ".sql") or "migrations" in relative.parts:
            continue
        if relative.parts[0] == "ledger" or len(relative.parts) < 2:
            continue
        yield path, str(relative)


def test_no_app_but_the_ledger_writes_ledger_tables():
    scanned = 0
    found = []
    for path, label in _modules():
        found += violations(path.read_text(encoding="utf-8"), label)
        scanned += 1
    assert scanned > 100  # the apps were found
    without_lines = {re.sub(r":\d+:", ":", line) for line in found}
    assert sorted(without_lines - PENDING) == []


def test_the_scan_finds_each_kind_of_write():
    source = """
from benecomune.ledger.models import Account, Wallet as W
from benecomune.core.bulk import insert_rows

def f(cursor):
    Account.objects_unscoped.create(kind="clearing")
    Account.objects.filter(pk=1).update(balance=0)
    W.objects_unscoped.get_or_create(pk=1)
    insert_rows(W.territory_municipalities.through, [], [])
    cursor.execute("UPDATE ledger_account SET balance = 0")
    Account.objects.filter(pk=1).values_list("pk")  # a read: fine
    cursor.execute("SELECT balance FROM ledger_account")  # a read: fine
"""
    found = violations(source, "x.py")
    assert sorted(int(line.split(":")[1]) for line in found) == [6, 7, 8, 9, 10]
    assert violations("INSERT INTO ledger_entry VALUES (1)", "x.sql") != []
    assert violations("SELECT ledger_transfer(1)", "x.sql") == []
