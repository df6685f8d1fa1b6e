"""Guardrail: every key of the before/after details that the code writes with audit.record
(or through a lifecycle's apply/record, or a service's own helper) has an Italian name on the
audit page and in the histories; the page never prints "notice_hours" or "on behalf of".

The keys are collected statically: the dict literals passed as `before=`/`after=` of any call,
the dict literals assigned to (or `name["key"] =` into) a variable passed so, and the dict
literals returned by a function of the same module whose result is passed so."""

import ast
from pathlib import Path

from django.utils import translation

from benecomune.core.audit_display import detail_name, has_italian_name

SRC = Path(__file__).resolve().parents[2] / "src" / "benecomune"


def _keys(node) -> list[str]:
    """The string keys of a dict literal (with its ** parts), a dict(...) call, a choice."""
    if isinstance(node, ast.Dict):
        keys = []
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                keys += _keys(value)
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.append(key.value)
        return keys
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "dict":
        return [kw.arg for kw in node.keywords if kw.arg]
    if isinstance(node, ast.IfExp):
        return _keys(node.body) + _keys(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [key for value in node.values for key in _keys(value)]
    return []


def _returned(function) -> list[str]:
    return [
        key
        for node in ast.walk(function)
        if isinstance(node, ast.Return) and node.value is not None
        for key in _keys(node.value)
    ]


def _assigned(function, name: str, helpers) -> list[str]:
    """Keys put into the variable `name` inside `function`."""
    keys = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name:
                    keys += _keys(node.value) + _helper_keys(node.value, helpers)
                is_item = isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                if is_item and target.value.id == name and isinstance(target.slice, ast.Constant):
                    keys.append(target.slice.value)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "update"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
        ):
            keys += [key for arg in node.args for key in _keys(arg)]
            keys += [kw.arg for kw in node.keywords if kw.arg]
    return keys


def _helper_keys(node, helpers) -> list[str]:
    if isinstance(node, ast.Call) and getattr(node.func, "id", "") in helpers:
        return _returned(helpers[node.func.id])
    return []


def audit_detail_keys_in_source() -> dict[str, str]:
    """Every key written in the before/after of an audit event under src, with where."""
    found = {}
    for path in SRC.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        helpers = {f.name: f for f in functions}
        for function in functions:
            for call in ast.walk(function):
                if not isinstance(call, ast.Call):
                    continue
                for keyword in call.keywords:
                    if keyword.arg not in ("before", "after"):
                        continue
                    pending, keys = [keyword.value], []
                    while pending:  # the value, and the parts of a dict unpacked into it
                        value = pending.pop()
                        keys += _keys(value) + _helper_keys(value, helpers)
                        if isinstance(value, ast.Dict):
                            parts = zip(value.keys, value.values, strict=True)
                            pending += [v for k, v in parts if k is None]
                        if isinstance(value, ast.Name):
                            keys += _assigned(function, value.id, helpers)
                    for key in keys:
                        found.setdefault(key, f"{path.relative_to(SRC)}:{call.lineno}")
    return found


def test_every_audit_detail_key_has_an_italian_name():
    found = audit_detail_keys_in_source()
    assert len(found) > 200  # the collector sees the services' calls
    assert {"notice_hours", "window_days", "on_behalf_of", "hours", "by"} <= set(found)
    with translation.override("it"):
        missing = {key: where for key, where in found.items() if not has_italian_name(key)}
    assert missing == {}


def test_keys_without_their_object_are_named_too():
    with translation.override("it"):
        assert detail_name("notice_hours") == "preavviso in ore"
        assert detail_name("on_behalf_of") == "per conto di"
        # An amount is named by DETAIL_NAMES, not by a field that says "(centesimi)".
        assert detail_name("captured") == "incassato"
