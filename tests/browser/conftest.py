"""Fixtures for the browser tests: one JupyterLab server and one Chromium for the whole session.

The server serves a temporary copy of ``notebooks/`` (JupyterLab autosaves, so the repo is
never its root). Without Chromium or Playwright the tests are skipped, unless
``REQUIRE_BROWSER=1`` (set by ``.ci/run``), where the missing piece is an error.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from labdriver import (
    VIEWPORT,
    LabServer,
    NotebookPage,
    browser_unavailable_reason,
    copy_notebooks,
    launch_chromium,
)

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"


def _need_browser() -> None:
    reason = browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"browser tests are required (REQUIRE_BROWSER=1) but {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away copy of notebooks/ that JupyterLab may autosave into."""
    root = tmp_path_factory.mktemp("lab-root")
    copy_notebooks(NOTEBOOKS, root)
    return root


@pytest.fixture(scope="session")
def lab_server(lab_root: Path) -> Iterator[LabServer]:
    _need_browser()
    with LabServer(lab_root) as server:
        yield server


@pytest.fixture(scope="session")
def chromium(lab_server: LabServer) -> Iterator[Any]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_notebook(chromium: Any, lab_server: LabServer) -> Iterator[Callable[[str], NotebookPage]]:
    """Open a notebook (name relative to the lab root) in a fresh browser context.

    After the test the context is closed and every kernel shut down, so each test
    starts from a fresh kernel and memory stays bounded.
    """
    contexts: list[Any] = []

    def _open(name: str) -> NotebookPage:
        context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        return NotebookPage(page, lab_server, name).open()

    yield _open
    for context in contexts:
        context.close()
    lab_server.shutdown_kernels()
