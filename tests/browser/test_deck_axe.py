"""Every `make slides` deck has 0 axe-core WCAG 2.1 A/AA violations (offline, from file://).

The decks are built into a temporary folder. Each is opened with reveal.js's ``?print-pdf``
layout, where every slide is laid out at once, so one axe run sees every slide (in the
ordinary view only the current slide is rendered and axe would skip the rest). Every
non-file request is blocked and must not happen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helper.course import node_modules
from helper.course.notebooks import notebooks as course_notebooks
from helper.course.slides import build

pytestmark = pytest.mark.browser

NOTEBOOKS = course_notebooks()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def deck_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("decks")
    build(NOTEBOOKS, out)
    return out


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_deck_has_no_axe_violations(notebook: Path, deck_dir: Path, chromium: Any) -> None:
    deck = deck_dir / f"{notebook.stem}.slides.html"
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    blocked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    try:
        context.route("**/*", route)
        page = context.new_page()
        page.goto(deck.as_uri() + "?print-pdf")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=60_000)
        page.evaluate("() => document.fonts.ready")
        page.add_script_tag(path=str(node_modules() / "axe-core" / "axe.min.js"))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]
        ]
        assert violations == []
        assert blocked == [], f"the deck asked the network: {blocked}"
    finally:
        context.close()
