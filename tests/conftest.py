"""Fixtures shared by every test folder.

Playwright's sync API allows one instance per process, so all browser tests (notebooks
in JupyterLab, explorers, slide decks, MathJax 2) share this one Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from labdriver import launch_chromium, require_browser


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
