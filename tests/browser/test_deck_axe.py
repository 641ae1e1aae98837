"""Every `make slides` deck has 0 axe-core WCAG 2.1 A/AA violations and 0 HTML_CodeSniffer
WCAG2AA errors (offline, from file://).

The decks are built into a temporary folder. Each is opened with reveal.js's ``?print-pdf``
layout, where every slide is laid out at once, so one axe run sees every slide (in the
ordinary view only the current slide is rendered and axe would skip the rest); the
print layout's leftover ``aria-hidden`` on those slides is removed first. Every
non-file request is blocked and must not happen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from labdriver import axe_violations, block_network, htmlcs_errors

from helper.course.notebooks import notebooks as course_notebooks
from helper.course.slides import build

pytestmark = pytest.mark.browser

NOTEBOOKS = course_notebooks()


@pytest.fixture(scope="module")
def deck_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("decks")
    build(NOTEBOOKS, out)
    return out


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_deck_has_no_axe_violations(notebook: Path, deck_dir: Path, chromium: Any) -> None:
    deck = deck_dir / f"{notebook.stem}.slides.html"
    context = chromium.new_context(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
    try:
        blocked = block_network(context)
        page = context.new_page()
        # The ordinary view: the first slide with reveal's controls and slide number.
        page.goto(deck.as_uri())
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=60_000)
        page.evaluate("() => document.fonts.ready")
        shown = axe_violations(page)
        shown_htmlcs = htmlcs_errors(page)
        # The print layout: every slide (its print-only slide numbers are not part of a lecture).
        page.goto(deck.as_uri() + "?print-pdf")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=60_000)
        page.evaluate("() => document.fonts.ready")
        # In the print layout every slide is shown, but reveal.js 4.0 leaves the attributes that
        # hide the slides other than the current one from screen readers; in the ordinary view
        # those slides are not rendered at all. Drop them, so axe judges the slides as shown.
        page.evaluate(
            "() => document.querySelectorAll('.reveal .slides section').forEach(s => {"
            " s.removeAttribute('aria-hidden'); s.removeAttribute('hidden'); })"
        )
        every_slide = axe_violations(page, exclude=[".slide-number-pdf"])
        # HTML_CodeSniffer on every slide at once (the print layout), all of the deck.
        every_slide_htmlcs = htmlcs_errors(page, ".reveal .slides")
        found = {
            "first slide, ordinary view": shown + shown_htmlcs,
            "print layout, every slide": every_slide + every_slide_htmlcs,
        }
        assert found == {"first slide, ordinary view": [], "print layout, every slide": []}
        assert blocked == [], f"the deck asked the network: {blocked}"
    finally:
        context.close()
