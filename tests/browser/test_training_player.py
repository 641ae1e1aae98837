"""The TrainingPlayer of notebook 08 in a real JupyterLab: Step, Play, Back and the step slider.

A scratch notebook builds a short player; the test presses its buttons (Enter on a focused
button, as a keyboard-only learner would, and clicks) and keys on its step slider (arrows,
Home/End, PageUp/PageDown), and reads the aria-live readout and the chart's text
alternative: the page computes them from the step's W, b, and they must show torch's
numbers of the run (``helper.training.train``) to the printed digits; then the page must say
that the kernel's torch agrees. axe-core (WCAG 2.1 A/AA) checks the player in the dark and
light themes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from labdriver import NotebookPage, axe_violations, screenshot_dir, set_theme, write_notebook

from helper._format import fmt
from helper.training import History, make_blobs, train

pytestmark = pytest.mark.browser

STEPS = 6
_SETUP = (
    "from helper.training import make_blobs\n"
    "from helper.training_view import TrainingPlayer\n"
    "X, y = make_blobs(30, seed=0)\n"
    f"player = TrainingPlayer(X, y, steps={STEPS}, lr=0.5)\n"
    "player"
)
PLAYER = ".l2l-training-player"


def expected_readout(h: History, k: int) -> str:
    """The player's readout at step ``k``, written from torch's numbers (training.js writes it)."""
    return (
        f"step {k} of {h.steps} \u00b7 loss {fmt(h.loss[k].item(), '.4f')} (started at log 3 = 1.0986) \u00b7 "
        f"accuracy {fmt(100 * h.accuracy[k].item(), '.1f')}% \u00b7 mean logit length {fmt(h.logit_norm[k].item(), '.2f')}"
    )


def _shows(nb: NotebookPage, h: History, k: int, what: str) -> None:
    """The readout and the chart's text alternative show step ``k``, and torch agrees."""
    want = expected_readout(h, k)
    js = """([sel, want, k, n]) => {
      const root = document.querySelector(sel);
      const read = root && root.querySelector('.l2l-loss');
      const svg = root && root.querySelector('svg[role=img]');
      const check = root && root.querySelector('.l2l-check');
      return read && read.textContent === want && svg
        && svg.getAttribute('aria-label').startsWith(`Training step ${k} of ${n}:`)
        && check.textContent === '\\u2713 torch agrees';
    }"""
    try:
        nb.page.wait_for_function(js, arg=[PLAYER, want, k, h.steps], timeout=20_000, polling=50)
    except Exception:  # noqa: BLE001 - say what is shown instead of a bare timeout
        shown = nb.page.locator(f"{PLAYER} .l2l-loss").inner_text()
        check = nb.page.locator(f"{PLAYER} .l2l-check").inner_text()
        raise AssertionError(
            f"after {what}: shows {shown!r} ({check!r}), expected {want!r} and torch agreeing"
        ) from None
    label = nb.page.locator(f"{PLAYER} svg[role=img]").get_attribute("aria-label")
    assert f"loss {fmt(h.loss[k].item(), '.4f')}" in label, label


def test_step_play_back_and_slider_show_torchs_run(
    open_notebook: Callable[[str], NotebookPage], lab_root: Path
) -> None:
    write_notebook(lab_root / "_scratch_player.ipynb", [_SETUP])
    nb = open_notebook("_scratch_player.ipynb")
    nb.run_all()
    ref = train(*make_blobs(30, seed=0), steps=STEPS, lr=0.5)
    page = nb.page
    _shows(nb, ref, 0, "first display")
    player = page.locator(PLAYER)
    assert player.locator(".l2l-loss").get_attribute("aria-live") == "polite"

    # Step by keyboard: Tab from Play reaches it, its focus is visible, Enter moves one step
    step = page.get_by_role("button", name="Step", exact=True)
    play = page.get_by_role("button", name="Play", exact=True)
    play.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Step"
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"keyboard focus not visible: outline {outline}"
    page.keyboard.press("Enter")
    _shows(nb, ref, 1, "Enter on Step")

    # Play: a toggle (aria-pressed) that runs in the page to the last step and stops there
    assert play.get_attribute("aria-pressed") == "false"
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    _shows(nb, ref, STEPS, "Play")
    page.wait_for_function(
        "(sel) => document.querySelector(sel + ' .l2l-play').getAttribute('aria-pressed') === 'false'",
        arg=PLAYER,
        timeout=10_000,
    )
    step.click()  # past the end: stays at the last step
    _shows(nb, ref, STEPS, "Step at the end")

    back = page.get_by_role("button", name="Back to step 0", exact=True)
    back.focus()
    page.keyboard.press("Space")
    _shows(nb, ref, 0, "Space on Back to step 0")

    # the step slider, by keyboard alone
    slider = page.get_by_role("slider", name="training step", exact=True)
    assert slider.get_attribute("data-lm-suppress-shortcuts") == "true"
    slider.focus()
    for key, k in (
        ("ArrowRight", 1),
        ("ArrowRight", 2),
        ("End", STEPS),
        ("ArrowLeft", STEPS - 1),
        ("Home", 0),
        ("PageUp", 1),
        ("PageDown", 0),
    ):
        page.keyboard.press(key)
        _shows(nb, ref, k, f"{key} on the step slider")
        assert slider.input_value() == str(k)

    # Pause: Play pressed again stops the timer where it is
    slider.focus()
    page.keyboard.press("End")
    _shows(nb, ref, STEPS, "End on the step slider")
    play.click()  # at the end, Play starts again from step 0
    play.click()
    assert play.get_attribute("aria-pressed") == "false"
    paused = int(slider.input_value())
    assert paused < STEPS, "Play at the last step starts again from step 0"
    page.wait_for_timeout(500)
    assert int(slider.input_value()) == paused, "a paused player moved on"
    _shows(nb, ref, paused, "Pause")

    assert not nb.problems()
    slider.focus()
    page.keyboard.press("End")
    _shows(nb, ref, STEPS, "End on the step slider")
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    shots = screenshot_dir()  # build/screenshots under `make screenshots`, else a temp folder
    shots.mkdir(parents=True, exist_ok=True)
    player.screenshot(path=str(shots / "training_player.png"), animations="disabled")
    for theme in ("JupyterLab Dark", "JupyterLab Light"):
        set_theme(page, theme)
        violations = axe_violations(page, include=[".l2l-explorer"])
        assert not violations, f"{theme}: " + "\n".join(violations)


def test_a_removed_view_stops_its_play_timer(open_notebook: Callable[[str], NotebookPage], lab_root: Path) -> None:
    """Two views of one long player: Play in the first, then clear that cell's output. The
    removed view's clean-up must stop its timer, so the second view stays at the step where
    the first one was removed (a leaked timer would keep moving the shared model)."""
    write_notebook(
        lab_root / "_scratch_player_views.ipynb",
        [
            "from helper.training import make_blobs\n"
            "from helper.training_view import TrainingPlayer\n"
            "long = TrainingPlayer(*make_blobs(30, seed=0), steps=400, lr=0.5)",
            "long",
            "long",
        ],
    )
    nb = open_notebook("_scratch_player_views.ipynb")
    nb.run_all()
    page = nb.page
    views = page.locator(PLAYER)
    page.wait_for_function(f"() => document.querySelectorAll('{PLAYER}').length === 2", timeout=20_000)
    views.first.get_by_role("button", name="Play", exact=True).click()
    second = views.last.get_by_role("slider", name="training step", exact=True)
    page.wait_for_function("(el) => Number(el.value) >= 3", arg=second.element_handle(), timeout=10_000)
    nb.clear_output(1)
    page.wait_for_function(f"() => document.querySelectorAll('{PLAYER}').length === 1", timeout=10_000)
    stopped = int(second.input_value())
    page.wait_for_timeout(800)  # more than six intervals of 120 ms
    assert int(second.input_value()) == stopped < 400, "the removed view's Play timer kept moving the player"
    assert not nb.problems()
