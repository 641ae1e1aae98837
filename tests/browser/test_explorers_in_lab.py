"""The explorers in a real JupyterLab, driven by the keyboard alone; the numbers shown are torch's.

One scratch notebook (written here, with known inputs) holds the four explorers and a
deliberately failing one. Each step presses keys on a focused slider (Tab to reach it;
ArrowRight = one step, PageUp/PageDown = a large step, End = max, Home = min), then reads
the text the page shows (computed in the page by lossmath.js) and compares it with torch's
value for the inputs the step should have produced, and waits for the page to say that
the kernel's torch agrees. axe-core (WCAG 2.1 A/AA) runs on every explorer in the light
and the dark theme; a leak check makes 2,000 fuzzed moves. Screenshots go to
build/screenshots/ for the README under `make screenshots` (a temp folder otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from labdriver import VIEWPORT, LabServer, NotebookPage, axe_violations, screenshot_dir, set_theme, write_notebook

from helper._format import fmt

pytestmark = pytest.mark.browser


# Known inputs of the scratch notebook (slider grids: logits -6..6 step 0.1, PageUp 1;
# temperature step 0.05, PageUp 0.5; z -30..30 step 0.1, PageUp 1; shift -1000..1000 step 0.1,
# PageUp 10; scale 0..10 step 0.1, PageUp 1; q 0..1 step 0.01, PageUp 0.1).
LOGITS = [2.0, 1.0, 0.1, -1.2, 0.5]
LABELS = ["cat", "dog", "bird", "fish", "frog"]
STAB_LOGITS = [1.0, 2.0, 3.0]
DIST_LOGITS = [2.0, 0.5, -1.0]
DIST_Q = [0.9, 0.05, 0.05]

CELLS = [
    "from helper import BinaryExplorer, DistributionExplorer, LogitsExplorer, StabilityExplorer",
    f"lx = LogitsExplorer({LOGITS}, target=0, labels={LABELS})\nlx",
    "bx = BinaryExplorer(0.5, 1)\nbx",
    f"sx = StabilityExplorer({STAB_LOGITS}, shift=80.0)\nsx",
    f"dx = DistributionExplorer({DIST_LOGITS}, {DIST_Q}, labels=['cat', 'dog', 'fox'])\ndx",
    # A subclass whose kernel update fails for one target: the failure must show in the widget.
    "class Fragile(LogitsExplorer):\n"
    "    def _compute(self):\n"
    "        if self.target == 2:\n"
    "            raise RuntimeError('no update for class 2')\n"
    "        return super()._compute()\n"
    "\n"
    "fx = Fragile([0.0, 1.0, 2.0], target=0)\n"
    "fx",
]


def _num(x: float) -> str:
    """How the explorers print a number: 4 decimals, inf/-inf/nan as words (helper._format.fmt;
    the page's kit.js fmt writes the same)."""
    return fmt(x, ".4f")


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


def _soft_ce(z: list[float], q: list[float]) -> tuple[float, float, float]:
    """(H(q, p), H(q), KL(q || p)) in nats, float32, by torch."""
    zt, qt = torch.tensor(z), torch.tensor(q)
    h = torch.special.entr(qt).sum().item()
    kl = F.kl_div(F.log_softmax(zt, 0), qt, reduction="sum").item()
    return F.cross_entropy(zt[None], qt[None]).item(), h, kl


class ExplorerDriver:
    """Keys on one explorer (found by a CSS selector) and the text it shows."""

    def __init__(self, nb: NotebookPage, selector: str) -> None:
        self.nb = nb
        self.page = nb.page
        self.css = selector
        self.root = self.page.locator(selector)
        assert self.root.count() == 1, f"expected one {selector} on the page, found {self.root.count()}"

    def tab_to(self, control_css: str) -> None:
        """Reach a control with the Tab key alone, starting just before the explorer."""
        self.root.scroll_into_view_if_needed()
        self.page.evaluate(
            "(sel) => { const f = document.querySelector(sel + ' .l2l-formula');"
            " f.setAttribute('tabindex', '-1'); f.focus(); }",
            self.css,
        )
        for _ in range(40):
            self.page.keyboard.press("Tab")
            if self.page.evaluate(
                "([sel, c]) => document.activeElement && document.activeElement.matches(sel + ' ' + c)",
                [self.css, control_css],
            ):
                return
        raise AssertionError(f"{self.css}: Tab never reached {control_css}")

    def keys(self, control_css: str, *keys: str) -> None:
        """Tab to a control and press keys on it (no mouse)."""
        self.tab_to(control_css)
        for key in keys:
            self.page.keyboard.press(key)

    def accessible_name(self, control_css: str) -> str:
        return self.root.locator(control_css).first.get_attribute("aria-label") or ""

    def wait_text(self, css: str, expected: str, step: str, contains: bool = False) -> None:
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

    def expect(self, css: str, text: str, step: str, contains: bool = False) -> None:
        """The page shows ``text`` and then says that torch (in the kernel) agrees."""
        self.wait_text(css, text, step, contains)
        self.wait_text(".l2l-check", "\u2713 torch agrees", step)

    def screenshot(self, name: str) -> Path:
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        self.root.scroll_into_view_if_needed()
        shots = screenshot_dir()  # build/screenshots under `make screenshots`, else a temp folder
        shots.mkdir(parents=True, exist_ok=True)
        path = shots / f"{name}.png"
        self.root.screenshot(path=str(path), animations="disabled")
        return path


@pytest.fixture(scope="module")
def explorers_nb(chromium: Any, lab_server: LabServer, lab_root: Path) -> Iterator[NotebookPage]:
    """The scratch notebook with the explorers, run once for this module."""
    write_notebook(lab_root / "_scratch_explorers.ipynb", CELLS)
    context = chromium.new_context(viewport=VIEWPORT, device_scale_factor=1)
    context.set_default_timeout(30_000)
    try:
        nb = NotebookPage(context.new_page(), lab_server, "_scratch_explorers.ipynb").open()
        nb.page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
        nb.page.locator("#jp-left-stack").wait_for(state="hidden")
        nb.run_all()
        nb.page.wait_for_function("() => document.querySelectorAll('.l2l-explorer').length === 5", timeout=60_000)
        problems = nb.problems()
        assert not problems, "scratch explorer notebook: " + "; ".join(problems)
        yield nb
    finally:
        context.close()
        lab_server.shutdown_kernels()


def test_logits_explorer_by_keyboard(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-logits-explorer:has(.l2l-logit-4)")
    z, y, t = list(LOGITS), 0, 1.0
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, y))}", "first display")
    assert ex.accessible_name(".l2l-logit-2 input") == "logit z_2 (bird)"
    assert ex.accessible_name(".l2l-temperature input") == "temperature T"
    ex.screenshot("logits_explorer")

    assert ex.root.locator(".l2l-loss").get_attribute("aria-live") == "polite"
    ex.tab_to(".l2l-logit-1 input")
    outline = ex.page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"keyboard focus not visible: outline {outline}"
    z[1] = 1.1
    ex.keys(".l2l-logit-1 input", "ArrowRight")
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, y))}", "ArrowRight on z_1")
    z[1] = 2.1
    ex.page.keyboard.press("PageUp")
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, y))}", "PageUp on z_1")
    z[1] = 6.0
    ex.page.keyboard.press("End")
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, y))}", "End on z_1")
    z[0] = -6.0
    ex.keys(".l2l-logit-0 input", "Home")
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, y))}", "Home on z_0")
    y = 3
    ex.tab_to(".l2l-target select")
    for _ in range(3):
        ex.page.keyboard.press("ArrowDown")  # on the closed select: the next option each time
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, y))}", "target -> 3 by ArrowDown x3")
    z[3] = -2.2
    ex.keys(".l2l-logit-3 input", "PageDown")
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, y))}", "PageDown on z_3")
    t = 1.05
    ex.keys(".l2l-temperature input", "ArrowRight")
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, y, t))}", "ArrowRight on T")
    ex.wait_text(".l2l-chart", f"loss = -log p[3] = {_num(_ce(z, y, t))}", "ArrowRight on T", contains=True)
    alt = ex.root.locator(".l2l-chart svg").get_attribute("aria-label") or ""
    p = F.softmax(torch.tensor(z) / t, 0).tolist()
    assert all(f"{lab} {v:.3f}" in alt for lab, v in zip(LABELS, p)), alt  # the text alternative lists p


def test_binary_explorer_by_keyboard_shows_drift_then_jump(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-binary-explorer")
    z, y = 0.5, 1
    ex.expect(".l2l-loss", f"loss = {_num(_bce(z, y)[1])}", "first display")
    z = 0.6
    ex.keys(".l2l-logit input", "ArrowRight")
    ex.expect(".l2l-loss", f"loss = {_num(_bce(z, y)[1])}", "ArrowRight on z")
    y = 0
    ex.tab_to(".l2l-target button:first-of-type")
    ex.page.keyboard.press("Enter")
    ex.expect(".l2l-loss", f"loss = {_num(_bce(z, y)[1])}", "y -> 0 by Enter")
    z = 15.6  # 15 PageUp (+1 each) from 0.6: drifted, not yet jumped
    ex.keys(".l2l-logit input", *["PageUp"] * 15)
    bce, exact = _bce(z, y)
    assert abs(bce - exact) / exact > 1e-4 and bce != 100.0  # the float32 staircase, not the clamp
    ex.expect(".l2l-chart", f"BCELoss = {_num(bce)}", "PageUp x15 on z", contains=True)
    ex.wait_text(".l2l-chart", "DRIFT", "PageUp x15 on z", contains=True)
    z = 30.0
    ex.page.keyboard.press("End")
    bce, exact = _bce(z, y)
    assert bce == pytest.approx(100.0) and exact == pytest.approx(30.0)
    ex.expect(".l2l-loss", f"loss = {_num(exact)}", "End on z")
    ex.wait_text(".l2l-chart", "JUMP", "End on z", contains=True)
    ex.wait_text(".l2l-chart", f"BCELoss = {_num(bce)}", "End on z", contains=True)
    ex.screenshot("binary_explorer")


def test_stability_explorer_by_keyboard(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-stability-explorer")
    shift, scale, dtype = 80.0, 1.0, torch.float32

    def expect(step: str) -> None:
        naive, trick, lse = _lse3(shift, scale, dtype)
        ex.expect(
            ".l2l-results", f"naive = {_num(naive)} | max trick = {_num(trick)} | torch.logsumexp = {_num(lse)}", step
        )

    expect("first display")
    shift = 90.0  # one PageUp: 10 at a time, so 88 is near
    ex.keys(".l2l-shift input", "PageUp")
    expect("PageUp on shift")
    ex.wait_text(".l2l-chart", "the sum overflows (inf)", "PageUp on shift", contains=True)
    shift = 89.9
    ex.page.keyboard.press("ArrowLeft")
    expect("ArrowLeft on shift")
    scale = 1.1
    ex.keys(".l2l-scale input", "ArrowRight")
    expect("ArrowRight on scale")
    dtype = torch.float16
    ex.tab_to(".l2l-dtype button:first-of-type")
    ex.page.keyboard.press("Space")
    expect("dtype -> float16 by Space")
    shift = -200.1  # underflow: every exp rounds to 0, the naive log gives -inf
    ex.keys(".l2l-shift input", *["PageDown"] * 29)
    expect("PageDown x29 on shift")
    ex.wait_text(".l2l-chart", "underflow!", "PageDown x29 on shift", contains=True)
    assert "overflow!" not in ex.root.locator(".l2l-chart").inner_text()
    shift = -1000.0
    ex.page.keyboard.press("Home")
    expect("Home on shift")
    ex.screenshot("stability_explorer")


def test_distribution_explorer_by_keyboard(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-distribution-explorer")
    z, q = list(DIST_LOGITS), list(DIST_Q)

    def expect(step: str) -> None:
        ce, h, kl = _soft_ce(z, q)
        ex.expect(".l2l-loss", f"H(q, p) = {_num(ce)} nats = H(q) {_num(h)} + KL {_num(kl)}", step)

    expect("first display")
    assert ex.accessible_name(".l2l-q-1 input") == "target probability q_1 (dog)"
    q = [0.8, 0.1, 0.1]  # PageDown on q_0: -0.1, the others share the rest in their ratio
    ex.keys(".l2l-q-0 input", "PageDown")
    expect("PageDown on q_0")
    z[1] = 0.6
    ex.keys(".l2l-logit-1 input", "ArrowRight")
    expect("ArrowRight on z_1")
    ex.screenshot("distribution_explorer")


def test_a_held_key_never_loses_a_step_to_the_kernels_echo(explorers_nb: NotebookPage) -> None:
    """80 ArrowRight presses as fast as the keyboard repeats: every one moves z by one step, and
    the kernel's echoes of earlier values never pull the slider back (they did when the page set
    a value and sent it later: an echo arriving in between overwrote the newer value)."""
    ex = ExplorerDriver(explorers_nb, ".l2l-binary-explorer")
    ex.keys(".l2l-logit input", "Home")
    ex.wait_text(".l2l-logit output", "-30.0", "Home on z")
    ex.page.evaluate(
        """sel => { const input = document.querySelector(sel);
                    window.__zs = []; input.addEventListener('input', () => window.__zs.push(Number(input.value))); }""",
        ".l2l-binary-explorer .l2l-logit input",
    )
    for _ in range(80):
        ex.page.keyboard.press("ArrowRight")
    z = -22.0
    y = int(ex.root.locator(".l2l-target button[aria-pressed=true]").text_content().removeprefix("y = "))
    ex.wait_text(".l2l-logit output", "-22.0", "80 x ArrowRight on z")
    seen = ex.page.evaluate("() => window.__zs")
    assert seen == pytest.approx([-30.0 + 0.1 * (i + 1) for i in range(80)], abs=1e-9), seen
    ex.expect(".l2l-loss", f"loss = {_num(_bce(z, y)[1])}", "80 x ArrowRight on z")
    ex.page.wait_for_timeout(500)  # late echoes would land now
    assert float(ex.root.locator(".l2l-logit input").input_value()) == pytest.approx(z, abs=1e-9)


def test_failing_kernel_update_shows_in_the_widget(explorers_nb: NotebookPage) -> None:
    ex = ExplorerDriver(explorers_nb, ".l2l-logits-explorer:has(.l2l-logit-2):not(:has(.l2l-logit-3))")
    error = ex.root.locator(".l2l-error")
    z = [0.0, 1.0, 2.0]
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, 0))}", "first display")
    assert not error.is_visible()
    ex.tab_to(".l2l-target select")
    ex.page.keyboard.press("ArrowDown")
    ex.page.keyboard.press("ArrowDown")  # target 2: the kernel raises
    ex.wait_text(".l2l-error", "RuntimeError: no update for class 2", "target -> 2", contains=True)
    assert error.is_visible()
    ex.page.keyboard.press("ArrowUp")
    ex.expect(".l2l-loss", f"loss = {_num(_ce(z, 1))}", "target -> 1")
    error.wait_for(state="hidden", timeout=10_000)


def test_axe_finds_no_wcag21_aa_violation_in_light_and_dark(explorers_nb: NotebookPage) -> None:
    page = explorers_nb.page
    assert page.locator(".l2l-explorer").count() == 5
    problems = {}
    try:
        for theme in ("JupyterLab Light", "JupyterLab Dark"):
            set_theme(page, theme)
            problems[theme] = axe_violations(page, include=[".l2l-explorer"])
    finally:
        set_theme(page, "JupyterLab Light")
    assert problems == {"JupyterLab Light": [], "JupyterLab Dark": []}, problems


def test_2000_fuzzed_moves_grow_neither_dom_nor_listeners(explorers_nb: NotebookPage) -> None:
    """2,000 input events on random sliders of every explorer; DOM nodes and JS listeners stay put."""
    page = explorers_nb.page
    cdp = page.context.new_cdp_session(page)

    def counters() -> dict:
        cdp.send("HeapProfiler.collectGarbage")
        return cdp.send("Memory.getDOMCounters")

    fuzz = """async ([n, seed]) => {
      let s = seed;
      const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
      const inputs = [...document.querySelectorAll('.l2l-explorer input[type=range]')];
      for (let k = 0; k < n; k++) {
        const el = inputs[Math.floor(rnd() * inputs.length)];
        const lo = Number(el.min), hi = Number(el.max), step = Number(el.step);
        el.value = String(lo + step * Math.round(rnd() * (hi - lo) / step));
        el.dispatchEvent(new Event('input', {bubbles: true}));
        if (k % 50 === 0) await new Promise(r => requestAnimationFrame(r));
      }
      inputs.forEach(el => el.dispatchEvent(new Event('change', {bubbles: true})));
      return inputs.length;
    }"""
    page.evaluate(fuzz, [200, 1])  # warm up (first draws, caches)
    page.wait_for_timeout(1500)
    before = counters()
    n_inputs = page.evaluate(fuzz, [2000, 7])
    page.wait_for_timeout(3000)  # the kernel answers the last syncs
    after = counters()
    assert n_inputs >= 15
    assert after["nodes"] - before["nodes"] < 500, (before, after)
    assert after["jsEventListeners"] - before["jsEventListeners"] <= 10, (before, after)
    assert page.locator(".l2l-explorer .l2l-error:visible").count() <= 1  # only the Fragile one may show
    # every explorer still agrees with torch once the kernel has caught up
    page.wait_for_function(
        "() => [...document.querySelectorAll('.l2l-explorer .l2l-check')].filter(c => /disagrees/.test(c.textContent)).length === 0",
        timeout=20_000,
    )
