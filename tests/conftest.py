"""Fixtures shared by every test folder.

Playwright's sync API allows one instance per process, so all browser tests (notebooks
in JupyterLab, explorers, slide decks, MathJax 2) share this one Chromium.

`make test` never writes a tracked file: the session compares ``git status`` before and
after the run (where git and a work tree are present) and fails if the run changed it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from labdriver import SCREENSHOTS_ENV, launch_chromium, require_browser

ROOT = Path(__file__).resolve().parents[1]


def _work_tree_state() -> dict[str, str] | None:
    """Each changed or untracked (not ignored) path with its status and content hash; None without git."""
    if shutil.which("git") is None:
        return None
    done = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:  # not a git work tree (e.g. an unpacked sdist)
        return None
    state = {}
    for entry in filter(None, done.stdout.decode("utf-8", "replace").split("\0")):
        status, path = entry[:2], entry[3:]
        file = ROOT / path
        digest = hashlib.sha256(file.read_bytes()).hexdigest() if file.is_file() else "-"
        state[path] = f"{status} {digest}"
    return state


@pytest.fixture(scope="session", autouse=True)
def work_tree_is_unchanged_by_the_run() -> Iterator[None]:
    """Fail the session if it changed any tracked file or left an untracked one (screenshots, outputs ...).

    Not checked under `make screenshots` (``L2L_SCREENSHOTS`` set), whose purpose is to rewrite them.
    """
    before = None if os.environ.get(SCREENSHOTS_ENV) else _work_tree_state()
    yield
    after = _work_tree_state()
    if before is None or after is None:
        return
    changed = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    if changed:
        pytest.fail(f"the test run changed the work tree (git status): {changed[:20]}", pytrace=False)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright, for the whole session."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()
