"""Fixtures for the browser tests: one JupyterLab server for the whole session
(Chromium is the session fixture of tests/conftest.py).

The server serves a temporary copy of ``notebooks/`` (JupyterLab autosaves, so the repo is
never its root). Without Chromium or Playwright the tests are skipped, unless
``REQUIRE_BROWSER=1`` (set by ``.ci/run``), where the missing piece is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from labdriver import VIEWPORT, LabServer, NotebookPage, copy_notebooks, require_browser

from helper.course.notebooks import NOTEBOOK_DIR as NOTEBOOKS


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away copy of notebooks/ that JupyterLab may autosave into."""
    root = tmp_path_factory.mktemp("lab-root")
    copy_notebooks(NOTEBOOKS, root)
    return root


@pytest.fixture(scope="session")
def lab_server(lab_root: Path) -> Iterator[LabServer]:
    require_browser()
    with LabServer(lab_root) as server:
        yield server


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
