"""End-to-end slider latency in a real JupyterLab + Chromium (`make bench-lab`).

One JupyterLab session, one scratch notebook with three widgets driven by slider keys:

- ``floor``: a bare ``FloatSlider`` whose observer writes the value into an ``HTML``
  widget (the round-trip floor: key -> front end -> kernel -> front end);
- ``LogitsExplorer`` with 5 classes;
- ``@interact`` baseline: the usual way, a function that builds a new matplotlib bar
  chart of the softmax and shows it (``ipywidgets.interact`` with 5 sliders).

For each press the page records, with ``performance.now()`` clocks: the keydown event's
time stamp, and, through a MutationObserver on that widget's element, the time of the
first animation frame after its last DOM change. The press is over when the element has
been quiet for ``--quiet`` ms. Latency = that frame time - keydown time. Keys are sent
with Playwright's ``page.keyboard.press("ArrowRight")`` to the focused slider handle
(the key event reaches the page's handler within ~1 ms of its time stamp, so the
harness adds next to nothing).

Where the time goes: a script added before the page loads subclasses ``WebSocket`` to
stamp (``performance.now()``) every websocket message the page sends and receives; it only
observes, the messages are untouched. Per press the bench splits the latency into
key -> first message out (the slider view), out -> the last message received before the
last DOM change (server + kernel + delivery back into the page), -> that DOM change
(the widget views), -> the next animation frame, and prints the medians. Headless
Chromium paces animation frames at 60 Hz here (16.7 ms apart, measured), so the last
term is what a learner's 60 Hz display adds, not an artefact of the headless mode.

Targets (LogitsExplorer): median <= 20 ms, p95 <= 40 ms, and a median >= 5x smaller than
the baseline's. Prints a table and a verdict; exit status 1 if a target is missed, 2 if
the browser cannot run.

The presses are spread over interleaved rounds (``--rounds``), so load from elsewhere on
the machine hits the three widgets alike; the load average is printed with the result.

Usage: python tests/bench/bench_lab.py [--presses 40] [--warmup 3] [--quiet 400] [--rounds 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))

from labdriver import (  # noqa: E402
    VIEWPORT,
    LabServer,
    NotebookPage,
    browser_unavailable_reason,
    launch_chromium,
    write_notebook,
)

TARGET_MEDIAN_MS = 20.0
TARGET_P95_MS = 40.0
TARGET_RATIO = 5.0

START = [-2.0, 1.0, 0.1, -1.2, 0.5]  # z_0 starts low: 40+ ArrowRight steps stay below the max (6)

CELLS = [
    "import ipywidgets as widgets\n"
    "import matplotlib.pyplot as plt\n"
    "import torch\n"
    "from helper import LogitsExplorer\n"
    "%matplotlib inline",
    # the round-trip floor
    "floor_slider = widgets.FloatSlider(value=-2.0, min=-6, max=6, step=0.1, description='z_0')\n"
    "floor_text = widgets.HTML('value = -2.0000')\n"
    "floor_slider.observe(lambda c: setattr(floor_text, 'value', f'value = {c.new:.4f}'), names='value')\n"
    "floor = widgets.VBox([floor_slider, floor_text])\n"
    "floor.add_class('bench-floor')\n"
    "floor",
    # the explorer
    f"LogitsExplorer({START}, target=1)",
    # the naive baseline: a new matplotlib figure on every move
    "def show_softmax(z_0=-2.0, z_1=1.0, z_2=0.1, z_3=-1.2, z_4=0.5):\n"
    "    p = torch.softmax(torch.tensor([z_0, z_1, z_2, z_3, z_4]), dim=0)\n"
    "    fig, ax = plt.subplots(figsize=(6, 3))\n"
    "    ax.bar(range(5), p.tolist(), color=['#56B4E9', '#E69F00', '#56B4E9', '#56B4E9', '#56B4E9'])\n"
    "    ax.set_ylim(0, 1)\n"
    "    ax.set_title(f'softmax; loss = {-torch.log(p[1]).item():.4f}')\n"
    "    plt.show()\n"
    "\n"
    "slider = dict(min=-6.0, max=6.0, step=0.1)\n"
    "_ = widgets.interact(show_softmax, **{f'z_{i}': widgets.FloatSlider(value=v, **slider)\n"
    f"                                    for i, v in enumerate({START})}})",
]

# (name, CSS selector of the measured element, CSS selector of the handle pressed)
TARGETS = [
    ("bare slider -> HTML text (floor)", ".bench-floor", ".bench-floor .noUi-handle"),
    ("LogitsExplorer (5 classes)", ".l2l-logits-explorer", ".l2l-logits-explorer .l2l-logit-0 .noUi-handle"),
    ("@interact + new matplotlib figure", ".widget-interact", ".widget-interact .widget-slider .noUi-handle"),
]

# Added before the page's own scripts: stamps kernel websocket traffic, changes nothing else.
_JS_WS_STAMPS = """
(() => {
  const Orig = window.WebSocket;
  window.__benchWs = {sent: [], got: []};
  window.WebSocket = class extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => window.__benchWs.got.push(performance.now()));
    }
    send(data) { window.__benchWs.sent.push(performance.now()); return super.send(data); }
  };
})();
"""

_JS_INSTALL = """
(sel) => {
  const root = document.querySelector(sel);
  if (!root) throw new Error('no element ' + sel);
  if (window.__benchObserver) window.__benchObserver.disconnect();
  const B = window.__bench = {t0: null, first: null, last: null, frame: null, n: 0};
  window.__benchObserver = new MutationObserver(() => {
    B.last = performance.now(); if (B.first === null) B.first = B.last; B.n += 1;
    requestAnimationFrame(() => { B.frame = performance.now(); });
  });
  window.__benchObserver.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  if (!window.__benchKeys) {
    window.__benchKeys = true;
    document.addEventListener('keydown', e => {
      const b = window.__bench;
      b.t0 = e.timeStamp; b.first = null; b.last = null; b.frame = null; b.n = 0;
      if (window.__benchWs) { window.__benchWs.sent = []; window.__benchWs.got = []; }
    }, true);
  }
}
"""

_JS_SETTLED = """
(quiet) => {
  const B = window.__bench;
  return B.t0 !== null && B.last !== null && B.frame !== null && B.frame >= B.last
    && performance.now() - B.last > quiet;
}
"""


_JS_RESULT = """
() => {
  const B = window.__bench, W = window.__benchWs;
  const sent = W ? W.sent.filter(t => t >= B.t0) : [];
  const got = W ? W.got.filter(t => t >= B.t0 && t <= B.last) : [];
  const split = sent.length && got.length
    ? [sent[0] - B.t0, got[got.length - 1] - sent[0], B.last - got[got.length - 1], B.frame - B.last] : null;
  return [B.frame - B.t0, split];
}
"""

STAGES = ["key -> message out", "-> last reply in", "-> last DOM change", "-> next frame"]


def _measure(
    page: Any, selector: str, handle: str, presses: int, warmup: int, quiet_ms: float,
    parts: list[list[float]] | None = None,
) -> list[float]:
    page.evaluate(_JS_INSTALL, selector)
    page.locator(handle).first.focus()
    samples: list[float] = []
    for i in range(warmup + presses):
        page.evaluate("() => { window.__bench.t0 = null; }")
        page.keyboard.press("ArrowRight")
        try:
            page.wait_for_function(_JS_SETTLED, arg=quiet_ms, timeout=10_000, polling=50)
        except Exception as exc:  # noqa: BLE001
            raise RuntimeError(f"{selector}: no DOM change within 10 s after press {i + 1}") from exc
        result = page.evaluate(_JS_RESULT)
        if i >= warmup:
            samples.append(float(result[0]))
            if parts is not None and result[1] is not None:
                parts.append(result[1])
        time.sleep(0.05)
    return samples


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(
    presses: int, warmup: int, quiet_ms: float, rounds: int = 4, parts: dict[str, list[list[float]]] | None = None,
) -> dict[str, list[float]]:
    """Start Lab and Chromium, run the scratch notebook, measure each target; return the samples.

    ``parts``, if given, receives per target the per-press split into :data:`STAGES` (ms).
    """
    from playwright.sync_api import sync_playwright

    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="l2l-bench-lab-") as tmp:
        root = Path(tmp)
        write_notebook(root / "bench.ipynb", CELLS)
        with LabServer(root) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
                context.add_init_script(_JS_WS_STAMPS)
                page = context.new_page()
                nb = NotebookPage(page, server, "bench.ipynb").open()
                page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
                nb.run_all()
                problems = nb.problems()
                if problems:
                    raise RuntimeError("bench notebook shows problems: " + "; ".join(problems))
                page.locator(".widget-interact img").first.wait_for(state="visible")
                # Interleaved rounds, so a burst of load elsewhere on the machine hits every widget alike.
                per_round = [presses // rounds + (1 if r < presses % rounds else 0) for r in range(rounds)]
                for r, n in enumerate(per_round):
                    for name, selector, handle in TARGETS:
                        page.locator(selector).first.scroll_into_view_if_needed()
                        split = None if parts is None else parts.setdefault(name, [])
                        got = _measure(page, selector, handle, n, warmup if r == 0 else 1, quiet_ms, split)
                        results.setdefault(name, []).extend(got)
                    print(f"  round {r + 1}/{rounds}: {n} presses per widget", flush=True)
            finally:
                browser.close()
                server.shutdown_kernels()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40, help="measured key presses per widget (>= 30)")
    parser.add_argument("--warmup", type=int, default=3, help="presses not counted, per widget")
    parser.add_argument("--quiet", type=float, default=400.0, help="ms without DOM change that ends a press")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds over the three widgets")
    args = parser.parse_args(argv)
    if args.presses < 30:
        parser.error("--presses must be at least 30")
    reason = browser_unavailable_reason()
    if reason:
        print(f"bench-lab cannot run: {reason}", file=sys.stderr)
        return 2

    print(f"bench-lab: {args.presses} ArrowRight presses per widget (+{args.warmup} warm-up), "
          f"quiet period {args.quiet:.0f} ms", flush=True)
    load_before = os.getloadavg()[0]
    parts: dict[str, list[list[float]]] = {}
    results = run(args.presses, args.warmup, args.quiet, args.rounds, parts)
    load_after = os.getloadavg()[0]

    print(f"\n{'key press -> last DOM change + 1 frame':<40} {'median':>9} {'p95':>9} {'max':>9}")
    stats = {}
    for name, samples in results.items():
        med, p95 = statistics.median(samples), _p95(samples)
        stats[name] = (med, p95)
        print(f"{name:<40} {med:>6.1f} ms {p95:>6.1f} ms {max(samples):>6.1f} ms")

    print(f"\n{'where the time goes (medians, ms)':<40} " + " ".join(f"{s:>19}" for s in STAGES))
    for name, rows in parts.items():
        if rows:
            meds = [statistics.median(col) for col in zip(*rows)]
            print(f"{name:<40} " + " ".join(f"{m:>19.1f}" for m in meds))

    ex_med, ex_p95 = stats[TARGETS[1][0]]
    base_med, _ = stats[TARGETS[2][0]]
    ratio = base_med / ex_med if ex_med > 0 else float("inf")
    floor_med, _ = stats[TARGETS[0][0]]
    print(f"\nexplorer over the bare round trip: {ex_med - floor_med:+.1f} ms median")
    print(f"baseline median / explorer median = {ratio:.1f}x")
    checks = [
        (f"explorer median {ex_med:.1f} ms <= {TARGET_MEDIAN_MS:.0f} ms", ex_med <= TARGET_MEDIAN_MS),
        (f"explorer p95 {ex_p95:.1f} ms <= {TARGET_P95_MS:.0f} ms", ex_p95 <= TARGET_P95_MS),
        (f"{ratio:.1f}x faster than the @interact baseline (>= {TARGET_RATIO:.0f}x)", ratio >= TARGET_RATIO),
    ]
    for text, ok in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    passed = all(ok for _, ok in checks)
    cores = os.cpu_count() or 1
    print(f"load average (1 min) before/after: {load_before:.1f}/{load_after:.1f} on {cores} cores")
    if max(load_before, load_after) > 0.75 * cores:
        print("note: the machine was busy; every latency above includes waiting for a CPU")
    print("verdict:", "all targets met" if passed else "targets missed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
