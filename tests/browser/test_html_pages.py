"""`make html` pages are live offline: opened from file:// with every network request blocked.

The pages are built once into a temporary folder from copies of the course notebooks run
fresh (``build(..., execute=True)``), so they show what the current code makes and the
test writes no tracked file. Each page, in one load:

- makes no request other than file:// (every other request is blocked AND recorded: any fails);
- shows every formula typeset at build time by MathJax 3 (SVG, with its MathML kept for screen
  readers), with no TeX error and no raw TeX left, and loads no script file at all: a page
  without an explorer has no script, one with explorers only its inline widget host;
- renders every explorer of its saved widget state, with no kernel; on each explorer, key
  presses on its first slider move the slider to the positions precomputed here, and the
  numbers shown change and equal what torch computes in Python for those positions;
- the TrainingPlayer (notebook 08) plays too: keys on its step slider, Step, Play to the
  last step and Back to step 0, each showing the numbers of torch's run (``train``);
- has 0 axe-core (WCAG 2.1 A/AA) violations and 0 HTML_CodeSniffer (WCAG2AA) errors.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from labdriver import axe_violations, block_network, htmlcs_errors

from helper.course.html import build
from helper.course.notebooks import notebooks as course_notebooks
from helper.course.notebooks import title
from helper.explorers import BinaryExplorer, DistributionExplorer, LogitsExplorer, StabilityExplorer
from helper.training import History, train

pytestmark = pytest.mark.browser

NOTEBOOKS = course_notebooks()
PRESSES = 4
# The page's numbers have 4 decimals; torch's are float32: agree to half a unit of the last digit.
ABS_TOL, REL_TOL = 6e-5, 1e-5


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html")
    build(NOTEBOOKS, out, execute=True)
    return out


@pytest.fixture
def offline_page(chromium: Any) -> Iterator[Callable[[Path], tuple[Any, list[str]]]]:
    """Open a file in a fresh context where every non-file request is blocked and recorded."""
    contexts: list[Any] = []

    def _open(path: Path) -> tuple[Any, list[str]]:
        context = chromium.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        contexts.append(context)
        blocked = block_network(context)
        page = context.new_page()
        page.on("pageerror", lambda e: blocked.append(f"page error: {e}"))
        page.goto(path.as_uri())
        return page, blocked

    yield _open
    for context in contexts:
        context.close()


_JS_MATH_PROBLEMS = r"""
() => {
  const out = [];
  document.querySelectorAll('mjx-container').forEach(f => {
    if (f.querySelector('merror, [data-mjx-error]')) out.push('MathJax error: ' + f.textContent.slice(0, 200));
    if (!f.querySelector('svg') || !f.querySelector('mjx-assistive-mml > math')) out.push('formula without SVG and MathML');
  });
  const skip = 'mjx-container, script, code, pre, .jp-RenderedText';
  document.querySelectorAll('.jp-RenderedMarkdown, .jp-RenderedHTMLCommon, .jp-RenderedLatex').forEach(r => {
    const walker = document.createTreeWalker(r, NodeFilter.SHOW_TEXT, {
      acceptNode: n => n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    for (let n = walker.nextNode(); n; n = walker.nextNode())
      if (/\$[^$]*\\[a-zA-Z]|\\\(|\\\[|\\begin\{/.test(n.textContent)) out.push('raw TeX: ' + n.textContent.slice(0, 200));
  });
  return [...new Set(out)];
}
"""

# Each widget view in document order: its model id, and the class of the explorer drawn in
# the same output (null for other widgets).
EXPLORER = ".l2l-explorer:not(.jupyter-widgets)"
_JS_VIEWS = """
(EXPLORER) => [...document.querySelectorAll('[data-l2l-model]')].map(out => {
  // An explorer (the TrainingPlayer too) is an anywidget view rendered by the page's widget host.
  const ex = out.querySelector(EXPLORER);
  return {model_id: out.getAttribute('data-l2l-model'), explorer: ex ? ex.className : null};
})
"""


def _numbers(text: str) -> list[float]:
    found = re.findall(r"(?<![\w(])(-?(?:\d+\.\d+(?:e[-+]\d+)?|inf)|nan)", text)
    return [float(s) for s in found]


def _close(shown: float, torch_value: float) -> bool:
    if math.isnan(torch_value) or math.isinf(torch_value):
        return shown == torch_value or (math.isnan(shown) and math.isnan(torch_value))
    return math.isclose(shown, torch_value, abs_tol=ABS_TOL, rel_tol=REL_TOL)


# Per explorer (its front end's CSS class): the Python explorer for a saved model state, the
# trait its first slider moves (and the index in it, for list traits), and the state keys
# whose values the readout shows, in order.
def _logits(s: dict) -> Any:
    return LogitsExplorer(
        s["logits"], s["target"], temperature=s["temperature"], labels=s["labels"] if s["named"] else None
    )


def _binary(s: dict) -> Any:
    return BinaryExplorer(s["logit"], s["target"])


def _stability(s: dict) -> Any:
    return StabilityExplorer(s["logits"], shift=s["shift"], scale=s["scale"], dtype=s["dtype"])


def _distribution(s: dict) -> Any:
    return DistributionExplorer(s["logits"], s["q"], unit=s["unit"])


KINDS: dict[str, tuple[Callable[[dict], Any], str, int | None, tuple[str, ...]]] = {
    "l2l-logits-explorer": (_logits, "logits", 0, ("loss",)),
    "l2l-binary-explorer": (_binary, "logit", None, ("loss",)),
    "l2l-stability-explorer": (_stability, "shift", None, ("naive", "max_trick", "logsumexp")),
    "l2l-distribution-explorer": (_distribution, "logits", 0, ("cross_entropy", "entropy", "kl")),
}
READOUT = ".l2l-loss, .l2l-results"  # the explorer's line of numbers (aria-live)


def _kind(class_name: str) -> str:
    found = [k for k in KINDS if k in class_name.split()]
    assert found, f"an explorer this test does not know: {class_name!r} (add it to KINDS)"
    return found[0]


def _moved(state: dict, trait: str, index: int | None, low: float, step: float, presses: int) -> float:
    """The slider position after `presses` ArrowRight presses.

    A range input holds values on its grid ``min + k * step``: the start snaps to the
    nearest grid point, then each press adds one step.
    """
    start = state[trait][index] if index is not None else state[trait]
    snapped = low + round((start - low) / step) * step
    return round(snapped + presses * step, 6)


def _torch_after_move(kind: str, state: dict, position: float) -> dict[str, Any]:
    make, trait, index, _ = KINDS[kind]
    explorer = make(state)
    if index is None:
        setattr(explorer, trait, position)
    else:
        values = list(getattr(explorer, trait))
        values[index] = position
        setattr(explorer, trait, values)
    assert explorer.last_error is None, explorer.last_error
    return explorer.state()


PLAYER = "l2l-training-player"
# The player's readout: "step 4 of 60 · loss 0.5123 (started at log 3 = 1.0986) · accuracy 85.0% · mean logit length 0.61"
_PLAYER_READOUT = re.compile(
    r"step (\d+) of (\d+) \u00b7 loss (\d+\.\d{4}) \(started at log 3 = 1\.0986\) \u00b7 "
    r"accuracy (\d+\.\d)% \u00b7 mean logit length (\d+\.\d{2})$"
)


def _player_run(state: dict) -> History:
    """torch's run for a saved player: ``train`` on its points, and it must be the run the page carries."""
    import torch

    X, y = torch.tensor(state["points"]), torch.tensor(state["classes"])
    run = train(X, y, steps=state["steps"], lr=state["lr"])
    assert state["W"] == run.W.tolist() and state["b"] == run.b.tolist(), "the saved run is not torch's"
    return run


def _check_player(explorer: Any, run: History, k: int, what: str) -> None:
    """The player's readout shows step ``k`` with torch's numbers, to the printed digits."""
    text = explorer.locator(".l2l-loss").text_content()
    found = _PLAYER_READOUT.match(text)
    assert found, f"player after {what}: readout {text!r}"
    step, steps, loss, acc, norm = found.groups()
    assert (int(step), int(steps)) == (k, run.steps), f"player after {what}: {text!r}, expected step {k}"
    for shown, want, half in (
        (loss, run.loss[k].item(), 5e-5),
        (acc, 100 * run.accuracy[k].item(), 5e-2),
        (norm, run.logit_norm[k].item(), 5e-3),
    ):
        assert abs(float(shown) - want) <= half * 1.001, f"player after {what}: {text!r}; torch: {want}"
    label = explorer.locator("svg[role=img]").get_attribute("aria-label")
    assert label.startswith(f"Training step {k} of {run.steps}: loss {loss},"), label
    assert explorer.locator(".l2l-error:not([hidden])").count() == 0, "the player shows an error"


def _drive_player(page: Any, explorer: Any, state: dict) -> None:
    """Keys on the step slider, Step, Play to the end, Back to step 0: no kernel, torch's numbers."""
    run = _player_run(state)
    k = state["step"]
    _check_player(explorer, run, k, "loading")
    chart_before = explorer.locator(".l2l-chart").inner_html()
    slider = explorer.get_by_role("slider", name="training step", exact=True)
    slider.focus()
    for _ in range(PRESSES):
        page.keyboard.press("ArrowRight")
    k = min(k + PRESSES, run.steps)
    assert slider.input_value() == str(k)
    _check_player(explorer, run, k, f"{PRESSES} x ArrowRight on the step slider")
    assert explorer.locator(".l2l-chart").inner_html() != chart_before, "the player's chart did not change"
    explorer.get_by_role("button", name="Step", exact=True).click()
    k = min(k + 1, run.steps)
    _check_player(explorer, run, k, "Step")
    assert "needs a running kernel" in explorer.locator(".l2l-check").text_content()
    play = explorer.get_by_role("button", name="Play", exact=True)
    play.click()
    page.wait_for_function(
        "(el) => el.querySelector('.l2l-play').getAttribute('aria-pressed') === 'false'",
        arg=explorer.element_handle(),
        timeout=run.steps * 1000,
    )
    _check_player(explorer, run, run.steps, "Play")
    explorer.get_by_role("button", name="Back to step 0", exact=True).click()
    _check_player(explorer, run, 0, "Back to step 0")
    # the saved widget state holds torch's result for step 0 (the notebook's run): it agrees
    assert explorer.locator(".l2l-check").text_content() == "\u2713 torch agrees"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_page_is_live_offline(notebook: Path, pages: Path, offline_page: Callable) -> None:
    path = pages / f"{notebook.stem}.html"
    assert path.is_file(), f"make html wrote no {path.name}"
    page, blocked = offline_page(path)
    source = path.read_text(encoding="utf-8")
    bundle_json = re.search(r'<script[^>]*\bid="l2l-widgets"[^>]*>(.*?)</script>', source, re.S)
    bundle = json.loads(bundle_json.group(1)) if bundle_json else {"models": {}, "modules": []}
    models = bundle["models"]
    expected_live = len(models)
    # Only what the page uses: no script file; scripts only with explorers; each module once.
    assert re.findall(r"<script[^>]*\bsrc=", source) == [], "the page loads a script file"
    assert ("<script" in source) == bool(expected_live), "a script on a page without explorers (or none with)"
    assert len(bundle["modules"]) == len(set(bundle["modules"])) <= expected_live

    assert page.evaluate(_JS_MATH_PROBLEMS) == []
    if "$" in "".join(
        "".join(c.get("source", "")) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "markdown"
    ):
        assert page.locator("mjx-container").count() > 0, "the notebook has math but none was typeset"

    if expected_live:
        page.locator(EXPLORER).nth(expected_live - 1).wait_for(state="visible", timeout=30_000)
    views = [v for v in page.evaluate(_JS_VIEWS, EXPLORER) if v["explorer"]]
    assert len(views) == expected_live, f"{len(views)} explorers drawn, {expected_live} in the saved state"

    for n, view in enumerate(views):
        state = models[view["model_id"]]["state"]
        explorer = page.locator(EXPLORER).nth(n)
        explorer.scroll_into_view_if_needed()
        if PLAYER in view["explorer"].split():
            _drive_player(page, explorer, state)
            continue
        kind = _kind(view["explorer"])
        slider = explorer.locator("input[type=range]").first
        step, low = float(slider.get_attribute("step")), float(slider.get_attribute("min"))
        _, trait, index, keys = KINDS[kind]
        position = _moved(state, trait, index, low, step, PRESSES)
        expected = _torch_after_move(kind, state, position)
        readout = explorer.locator(READOUT)
        chart = explorer.locator(".l2l-chart")
        before, chart_before = readout.text_content(), chart.inner_html()

        slider.focus()
        for _ in range(PRESSES):
            page.keyboard.press("ArrowRight")

        assert float(slider.input_value()) == pytest.approx(position, abs=1e-9), f"{kind}: slider position"
        after = readout.text_content()
        assert after != before, f"{kind}: the readout did not change ({before!r})"
        assert chart.inner_html() != chart_before, f"{kind}: the chart did not change"
        shown = _numbers(after)
        wanted = [expected[k] for k in keys]
        assert len(shown) == len(wanted), f"{kind}: readout {after!r} vs torch {dict(zip(keys, wanted))}"
        for key, s, w in zip(keys, shown, wanted):
            assert _close(s, w), f"{kind} at {trait}={position}: page shows {key} {s}, torch gives {w} ({after!r})"
        assert explorer.locator(".l2l-error:not([hidden])").count() == 0, "the explorer shows an error"

    assert axe_violations(page) == []
    assert htmlcs_errors(page) == []
    assert blocked == [], f"the page asked the network (or failed): {blocked}"


def test_index_links_every_page_in_course_order(pages: Path, offline_page: Callable) -> None:
    page, blocked = offline_page(pages / "index.html")
    links = page.locator("main a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [f"{p.stem}.html" for p in NOTEBOOKS]
    assert [links.nth(i).text_content() for i in range(links.count())] == [title(p) for p in NOTEBOOKS]
    assert axe_violations(page) == []
    assert htmlcs_errors(page) == []
    assert blocked == []


def test_built_notebooks_carry_live_explorers(pages: Path) -> None:
    """At least the notebooks that construct an explorer have one live (anywidget) model per page."""
    for notebook in NOTEBOOKS:
        code = "".join(
            "".join(c.get("source", "")) for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code"
        )
        source = (pages / f"{notebook.stem}.html").read_text(encoding="utf-8")
        if re.search(r"\b[A-Z][a-z]+(?:Explorer|Player)\(", code):
            assert re.search(r'<div [^>]*data-l2l-model="', source), f"{notebook.name}: no live explorer in its page"
