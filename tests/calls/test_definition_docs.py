"""docs/calls.md shows the rules of the demo's "Solidarietà alimentare" call: keep them equal."""

import json
import re
from pathlib import Path

from benecomune.calls.demo import FOOD_RULES
from benecomune.calls.rules import parse_rules

DOC = Path(__file__).resolve().parents[2] / "docs" / "calls.md"


def test_the_documented_example_is_the_demo_call_and_is_valid():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)\n```", text, re.S)
    assert block, "docs/calls.md has no JSON example"
    documented = json.loads(block.group(1))
    assert parse_rules(documented) == parse_rules(FOOD_RULES)
