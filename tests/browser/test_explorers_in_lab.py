"""The explorers in a real JupyterLab: keys move the sliders, the numbers shown are torch's.

One scratch notebook (written here, with known inputs) holds the three explorers and a
deliberately failing one. Each step presses keys on a slider handle (ArrowRight = one
step, End = max, Home = min) or changes the target, then reads the text the page shows
and compares it with the value torch gives for the inputs the step should have produced.
A screenshot of each explorer goes to build/screenshots/ for the README under `make screenshots`
(labdriver.screenshot_dir; a temporary folder otherwise).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from helper._format import fmt
from labdriver import VIEWPORT, LabServer, NotebookPage, screenshot_dir, write_notebook

pytestmark = pytest.mark.browser

SCREENSHOTS = screenshot_dir()  # build/screenshots under `make screenshots`, else a temporary folder
MINUS = "\u2212"  # ipywidgets readouts print a Unicode minus

# Known inputs of the scratch notebook (slider grids: step 0.1; logits -6..6, z -30..30,
# shift -1000..1000, scale 0..10, temperature step 0.05).
LOGITS = [2.0, 1.0, 0.1, -1.2, 0.5]
LABELS = ["cat", "dog", "bird", "fish", "frog"]
STAB_LOGITS = [1.0, 2.0, 3.0]

CELLS = [
    "from helper import BinaryExplorer, LogitsExplorer, StabilityExplorer",
    f"lx = LogitsExplorer({LOGITS}, target=0, labels={LABELS})\nlx",
    "bx = BinaryExplorer(0.5, 1)\nbx",
    f"sx = StabilityExplorer({STAB_LOGITS}, shift=80.0)\nsx",
    # A subclass whose update fails for one target: the failure must show in the widget.
    "class Fragile(LogitsExplorer):\n"
    "    def _compute(self):\n"
    "        if self.target.value == 2:\n"
    "            raise RuntimeError('no update for class 2')\n"
    "        return super()._compute()\n"
    "\n"
    "fx = Fragile([0.0, 1.0, 2.0], target=0)\n"
    "fx.add_class('l2l-fragile')\n"
    "fx",
]


def _num(x: float) -> str:
    """How the explorers print a number: 4 decimals, inf/-inf/nan as words (helper._format.fmt)."""
    return fmt(x, ".4f")


def _readout(x: float, decimals: int = 1) -> str:
    return f"{x:.{decimals}f}".replace("-", MINUS)


def _ce(z: list[float], y: int, t: float = 1.0) -> float:
    scaled = torch.tensor(z, dtype=torch.float32) / t
    return F.cross_entropy(scaled.unsqueeze(0), torch.tensor([y])).item()


def _bce(z: float, y: int) -> tuple[float, float]:
    """(BCELoss on sigmoid(z), BCEWithLogitsLoss on z) in float32."""
    zt, yt = torch.tensor(z), torch.tensor(float(y))
    return nn.BCELoss()(torch.sigmoid(zt), yt).item(), nn.BCEWithLogitsLoss()(zt, yt).item()


def _lse3(shift: float, scale: float, dtype: torch.dtype) -> tuple[float, float, float]:
    """(naive, max trick, torch.logsumexp) of scale * STAB_LOGITS + shift in dtype."""
    z = torch.tensor(STAB_LOGITS, dtype=dtype) * scale + shift
    m = z.max()
    naive = torch.log(torch.exp(z).sum())
    trick = m + torch.log(torch.exp(z - m).sum())
    return naive.item(), trick.item(), torch.logsumexp(z, dim=0).item()


class ExplorerDriver:
    """Keys and clicks on one explorer (found by a CSS selector) and the text it shows."""

    def __init__(self, nb: NotebookPage, selector: str) -> None:
        self.nb = nb
        self.page = nb.page
        self.css = selector
        self.root = self.page.locator(selector)
        assert self.root.count() == 1, f"expected one {selector} on the page, found {self.root.count()}"

    def handle(self, slider_css: str) -> Any:
        return self.root.locator(f".{slider_css} .noUi-handle")

    def readout(self, slider_css: str) -> str:
        return self.root.locator(f".{slider_css} .widget-readout").inner_text().strip()

    def press(self, slider_css: str, key: str, expect_readout: str) -> None:
        """Press ``key`` on a slider's handle; wait until its readout shows ``expect_readout``."""
        self.handle(slider_css).press(key)
        self._wait_text(f".{slider_css} .widget-readout", expect_readout, f"{key} on .{slider_css}")

    def select_target(self, label: str) -> None:
        self.root.locator(".l2l-target select").select_option(label=label)

    def toggle(self, css: str, label: str) -> None:
        self.root.locator(f".{css} button", has_text=label).click()

    def text(self, css: str) -> str:
        return self.root.locator(f".{css}").first.inner_text().strip()

    def _wait_text(self, css: str, expected: str, step: str, contains: bool = False) -> None:
        js = """([root, css, expected, contains]) => {
            const el = document.querySelector(root + ' ' + css);
            const t = el ? el.textContent.replace(/\\s+/g, ' ').trim() : '';
            return contains ? t.includes(expected) : t === expected;
        }"""
        try:
            self.page.wait_for_function(js, arg=[self.css, css, expected, contains], timeout=15_000, polling=50)
        except Exception:  # noqa: BLE001 - report what is shown instead of a bare timeout
            shown = self.root.locator(css).first.inner_text().strip() if self.root.locator(css).count() else None
            raise AssertionError(
                f"{self.css} after {step}: {css} shows {shown!r}, expected {'to contain ' if contains else ''}"
                f"{expected!r}"
            ) from None

    def expect_loss(self, value: float, step: str) -> None:
        self._wait_text(".l2l-loss", f"loss = {_num(value)}", step)

    def expect_in(self, css: str, fragment: str, step: str) -> None:
        self._wait_text(f".{css}", fragment, step, contains=True)

    def screenshot(self, name: str) -> Path:
        """Save the explorer alone (no focus ring) to <screenshot_dir>/<name>.png."""
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        self.root.locator(".l2l-formula mjx-container").first.wait_for(state="visible")
        self.root.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        box = self.root.bounding_box()
        assert box is not None, f"{self.css} is not visible"
        # The formula line may be wider than the widget box: keep what overflows, plus a margin.
        width = max(box["width"], self.root.evaluate("el => el.scrollWidth"))
        pad = 8
        self.page.screenshot(
            path=str(path),
            animations="disabled",
            clip={"x": max(0, box["x"] - pad), "y": max(0, box["y"] - pad),
                  "width": width + 2 * pad, "height": box["height"] + 2 * pad},
        )
        return path


@pytest.fixture(scope="module")
def explorers_nb(chromium: Any, lab_server: LabServer, lab_root: Path) -> Iterator[NotebookPage]:
    """The scratch notebook with the explorers, run once for this module."""
    write_notebook(lab_root / "_scratch_explorers.ipynb", CELLS)
    context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(30_000)
    try:
        nb = NotebookPage(context.new_page(), lab_server, "_scratch_explorers.ipynb").open()
        # Close the file browser so the notebook (and the screenshots) get the full width.
        nb.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
        nb.page.locator("#jp-left-stack").wait_for(state="hidden")
        nb.run_all()
        problems = nb.problems()
        assert not problems, "scratch explorer notebook: " + "; ".join(problems)
        yield nb
    finally:
        context.close()
        lab_server.shutdown_kernels()


def test_logits_explorer_follows_keys_and_target(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-logits-explorer:not(.l2l-fragile)")
    z, y, t = list(LOGITS), 0, 1.0
    ex.expect_loss(_ce(z, y), "first display")
    assert ex.readout("l2l-logit-3") == _readout(-1.2)
    path = ex.screenshot("logits_explorer")
    assert path.stat().st_size > 10_000

    z[1] = 1.1
    ex.press("l2l-logit-1", "ArrowRight", _readout(z[1]))
    ex.expect_loss(_ce(z, y), "ArrowRight on z_1")

    z[1] = 6.0
    ex.press("l2l-logit-1", "End", _readout(z[1]))
    ex.expect_loss(_ce(z, y), "End on z_1")

    z[0] = -6.0
    ex.press("l2l-logit-0", "Home", _readout(z[0]))
    ex.expect_loss(_ce(z, y), "Home on z_0")

    y = 3
    ex.select_target("3: fish")
    ex.expect_loss(_ce(z, y), "target -> 3")

    z[3] = -1.1
    ex.press("l2l-logit-3", "ArrowRight", _readout(z[3]))
    ex.expect_loss(_ce(z, y), "ArrowRight on z_3")

    t = 1.05
    ex.press("l2l-temperature", "ArrowRight", _readout(t, 2))
    ex.expect_loss(_ce(z, y, t), "ArrowRight on T")
    # the chart's number line agrees with the loss line
    ex.expect_in("l2l-chart", f"loss = -log p[3] = {_num(_ce(z, y, t))}", "ArrowRight on T")


def test_binary_explorer_follows_keys_and_label(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-binary-explorer")
    z, y = 0.5, 1
    ex.expect_loss(_bce(z, y)[1], "first display")

    z = 0.6
    ex.press("l2l-logit", "ArrowRight", _readout(z))
    ex.expect_loss(_bce(z, y)[1], "ArrowRight on z")

    y = 0
    ex.toggle("l2l-target", "y = 0")
    ex.expect_loss(_bce(z, y)[1], "y -> 0")

    z = 30.0
    ex.press("l2l-logit", "End", _readout(z))
    bce, bce_logits = _bce(z, y)
    assert bce == pytest.approx(100.0) and bce_logits == pytest.approx(30.0)  # the clamp the lesson is about
    ex.expect_loss(bce_logits, "End on z")
    ex.expect_in("l2l-chart", f"BCELoss = {_num(bce)}", "End on z")
    ex.expect_in("l2l-chart", f"BCEWithLogitsLoss = {_num(bce_logits)}", "End on z")
    ex.screenshot("binary_explorer")

    z = -30.0
    ex.press("l2l-logit", "Home", _readout(z))
    ex.expect_loss(_bce(z, y)[1], "Home on z")

    y = 1
    ex.toggle("l2l-target", "y = 1")
    ex.expect_loss(_bce(z, y)[1], "y -> 1")


def _results(naive: float, trick: float, lse: float) -> str:
    return f"naive = {_num(naive)} | max trick = {_num(trick)} | torch.logsumexp = {_num(lse)}"


def test_stability_explorer_follows_keys_and_dtype(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-stability-explorer")
    shift, scale, dtype = 80.0, 1.0, torch.float32

    def expect(step: str) -> None:
        ex.expect_in("l2l-results", _results(*_lse3(shift, scale, dtype)), step)

    expect("first display")
    shift = 80.1
    ex.press("l2l-shift", "ArrowRight", _readout(shift))
    expect("ArrowRight on shift")

    scale = 1.1
    ex.press("l2l-scale", "ArrowRight", _readout(scale))
    expect("ArrowRight on scale")

    shift = 1000.0
    ex.press("l2l-shift", "End", _readout(shift))
    naive, trick, _ = _lse3(shift, scale, dtype)
    assert math.isinf(naive) and math.isfinite(trick)  # float32 exp overflows, the max trick does not
    expect("End on shift")
    ex.screenshot("stability_explorer")

    dtype = torch.float16
    ex.toggle("l2l-dtype", "float16")
    expect("dtype -> float16")

    shift = -1000.0
    ex.press("l2l-shift", "Home", _readout(shift))
    expect("Home on shift")


def test_failing_update_shows_in_the_widget(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-fragile")
    error = ex.root.locator(".l2l-error")
    z = [0.0, 1.0, 2.0]
    ex.expect_loss(_ce(z, 0), "first display")
    assert not error.is_visible()

    ex.select_target("2")
    ex.expect_in("l2l-error", "RuntimeError: no update for class 2", "target -> 2")
    assert error.is_visible()

    ex.select_target("1")
    ex.expect_loss(_ce(z, 1), "target -> 1")
    error.wait_for(state="hidden", timeout=10_000)
