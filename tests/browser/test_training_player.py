"""The TrainingPlayer of notebook 08 in a real JupyterLab: Step, Play and Back move training live.

A scratch notebook builds a short player; the test presses its buttons (keyboard for Step,
as a keyboard-only learner would) and reads the aria-live readout and the chart's text
alternative, which must name the step the kernel computed; then axe-core (WCAG 2.1 A/AA)
checks the player in the dark and light themes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from labdriver import NotebookPage, axe_violations, set_theme, write_notebook

from helper.training import make_blobs, train

pytestmark = pytest.mark.browser

_SETUP = (
    "from helper.training import make_blobs\n"
    "from helper.training_view import TrainingPlayer\n"
    "X, y = make_blobs(30, seed=0)\n"
    "player = TrainingPlayer(X, y, steps=6, lr=0.5)\n"
    "player"
)


def _readout(nb: NotebookPage) -> str:
    return nb.page.locator(".l2l-explorer [aria-live=polite]").first.inner_text()


def _wait_step(nb: NotebookPage, step: int, total: int) -> None:
    nb.page.wait_for_function(
        """([step, total]) => {
          const el = document.querySelector('.l2l-explorer [aria-live=polite]');
          const svg = document.querySelector('.l2l-explorer svg[role=img]');
          return el && el.textContent.includes(`step ${step} of ${total}`)
            && svg && svg.getAttribute('aria-label').startsWith(`Training step ${step} of ${total}:`);
        }""",
        arg=[step, total],
        timeout=20_000,
        polling=100,
    )


def test_step_play_and_back_update_readout_and_chart(open_notebook: Callable[[str], NotebookPage], lab_root: Path) -> None:
    write_notebook(lab_root / "_scratch_player.ipynb", [_SETUP])
    nb = open_notebook("_scratch_player.ipynb")
    nb.run_all()
    _wait_step(nb, 0, 6)
    ref = train(*make_blobs(30, seed=0), steps=6, lr=0.5)

    step = nb.page.get_by_role("button", name="Step", exact=True)
    step.focus()
    nb.page.keyboard.press("Enter")
    _wait_step(nb, 1, 6)
    assert f"loss {ref.loss[1].item():.4f}" in _readout(nb)
    label = nb.page.locator(".l2l-explorer svg[role=img]").first.get_attribute("aria-label")
    assert label.startswith("Training step 1 of 6") and f"loss {ref.loss[1].item():.4f}" in label

    nb.page.get_by_role("button", name="Play", exact=True).click()
    _wait_step(nb, 6, 6)
    # At the end the Play model stops itself; the link turns the named button back to "Play".
    nb.page.get_by_role("button", name="Play", exact=True).wait_for(timeout=10_000)
    assert f"loss {ref.loss[6].item():.4f}" in _readout(nb)

    nb.page.get_by_role("button", name="Back to step 0", exact=True).click()
    _wait_step(nb, 0, 6)
    assert re.search(r"loss 1\.0986", _readout(nb))
    assert not nb.problems()
    for theme in ("JupyterLab Dark", "JupyterLab Light"):
        set_theme(nb.page, theme)
        violations = axe_violations(nb.page, include=['.l2l-explorer'])
        assert not violations, f"{theme}: " + "\n".join(violations)
