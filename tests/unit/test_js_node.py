"""Run the JavaScript tests (tests/js/*.test.mjs) with ``node --test``: the explorers' page code
against a fake DOM and a fake widget model, in Node (no browser)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from nodejs import node

JS_TESTS = sorted((Path(__file__).parents[1] / "js").glob("*.test.mjs"))


def test_there_are_js_tests():
    assert JS_TESTS, "tests/js/*.test.mjs missing"


def test_node_test_passes():
    proc = subprocess.run([node(), "--test", *map(str, JS_TESTS)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
