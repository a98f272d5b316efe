"""Every action code the platform writes to the audit trail, and every kind of object it names,
has a Chinese label (duban/audit/data/labels.json). The codes are read from the source: a new
action without a label fails here, not on the administrator's screen."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

from duban.audit.display import labels, object_kind

SRC = Path(__file__).resolve().parents[2] / "src" / "duban"
CODE = re.compile(r"^[a-z]+(_[a-z]+)*$")
# (function called, index of the positional argument that is the action code)
CALLS = {"record": 1, "_event": 1, "_login_event": 0, "_remove": 3}


def _name(func: ast.expr) -> str:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def written_codes() -> set[str]:
    codes: set[str] = set()
    for path in SRC.rglob("*.py"):
        if "extract" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text("utf-8")
        tree = ast.parse(text)
        batched = "record_many" in text
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in CALLS:
                i = CALLS[_name(node.func)]
                if len(node.args) > i and isinstance(node.args[i], ast.Constant):
                    codes.add(str(node.args[i].value))
            # record_many's events: ("submit_report", report, summary, after) tuples.
            if batched and isinstance(node, ast.Tuple) and len(node.elts) == 4:
                first = node.elts[0]
                if (
                    isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                    and CODE.match(first.value)
                ):
                    codes.add(first.value)
    return codes


def test_the_source_scan_finds_the_codes() -> None:
    found = written_codes()
    # A few known ones of each kind of call: the scan itself must work for the test below to mean anything.
    assert {"import_plan", "submit_report", "login_failed", "remove_veto", "merge_units"} <= found


@pytest.mark.parametrize("code", sorted(written_codes()))
def test_every_written_action_has_a_chinese_label(code: str) -> None:
    assert code in labels().actions


@pytest.mark.parametrize(
    "label",
    sorted(
        m._meta.label_lower
        for m in apps.get_models()
        if m.__module__.startswith("duban.") and m._meta.app_label not in ("audit",)
    ),
)
def test_every_kind_of_object_has_a_chinese_name(label: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", object_kind(label)), label
