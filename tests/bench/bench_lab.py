"""End-to-end slider latency in a real JupyterLab + Chromium (`make bench-lab`).

One JupyterLab session, one scratch notebook, every widget driven by real key presses
(Playwright's ``page.keyboard.press("ArrowRight")`` on the focused slider):

- the four explorers (``LogitsExplorer``, ``BinaryExplorer``, ``StabilityExplorer``,
  ``DistributionExplorer``) and the ``TrainingPlayer`` (ArrowRight on its step slider: one
  gradient step, decision regions and loss curve redrawn): anywidgets whose page computes and
  draws on each input event, while the kernel verifies with torch and the page shows "torch
  agrees";
- ``OLD kernel LogitsExplorer``: the previous kernel-computed explorer, kept runnable as a
  bench fixture (``tests/bench/old_logits_explorer.py``): each move waits for the kernel,
  which sends back a new loss line and SVG;
- ``floor``: a bare ``FloatSlider`` whose observer writes its value into an ``HTML`` widget
  (the kernel round trip, nothing else);
- ``@interact`` baseline: the usual way, a function that builds a new matplotlib bar chart
  of the softmax on every move (``ipywidgets.interact`` with 5 sliders).

For each press the page records, with ``performance.now()`` clocks, the keydown event's time
stamp and, through a MutationObserver on that widget's element, the time of the first
animation frame after its last visible DOM change; the press is over when the element
(including the explorers' "torch agrees" line) has been quiet for ``--quiet`` ms.
Latency = that frame time - keydown time. For the explorers, the "torch agrees" line
(``.l2l-check``) is not part of the visible update: it is the kernel's verification
arriving later, timed separately ("torch check shown").

A slow laptop: the same presses with Chromium's CPU slowed down 4x (DevTools
``Emulation.setCPUThrottlingRate``, rate 4; ``--cpu-slowdown``), printed beside the 1x figures.
Target there: p95 <= 16.7 ms for every explorer.

Then with an artificial 100 ms delay on every
message the kernel sends (a remote JupyterHub): a cell wraps the kernel's
``session.send`` so that IOPub messages (widget updates, status, outputs) are handed to a
worker thread that sends each one 100 ms later, in order. The page's messages to the kernel
are not delayed, so the round trip grows by 100 ms, as for a hub ~50 ms away each way.

Where the time goes (no delay): a script added before the page loads subclasses
``WebSocket`` to stamp every message the page sends and receives (it only observes). Per
press the bench splits the latency of the kernel-path widgets into key -> first message
out, -> the last message received before the last DOM change, -> that DOM change, -> the
next animation frame. Headless Chromium paces animation frames at 60 Hz here (16.7 ms).

Targets, for every explorer in both phases: median <= 8 ms and p95 <= 16.7 ms (one 60 Hz
frame). Beside them the OLD kernel path and the @interact baseline with their ratios to the
explorers, and the load average. Exit status 0 if every target is met, 1 if one is missed,
2 if the browser cannot run.

Usage: python tests/bench/bench_lab.py [--presses 40] [--warmup 3] [--quiet 300] [--rounds 4] [--cpu-slowdown 4]
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

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "support"))

from labdriver import (  # noqa: E402
    VIEWPORT,
    LabServer,
    NotebookPage,
    browser_unavailable_reason,
    launch_chromium,
    write_notebook,
)

TARGET_MEDIAN_MS = 8.0
TARGET_P95_MS = 16.7
DELAY_S = 0.1

START = [-2.0, 1.0, 0.1, -1.2, 0.5]

# The first cell installs the (initially off) reply delay; the last one switches it on when
# run a second time.
_DELAY_HOOK = """
import queue, threading, time as _time
DELAY_S = [0.0]
_kernel = get_ipython().kernel
_send = _kernel.session.send
_later = queue.Queue()

def _sender():
    while True:
        due, args, kwargs = _later.get()
        wait = due - _time.monotonic()
        if wait > 0:
            _time.sleep(wait)
        _send(*args, **kwargs)

threading.Thread(target=_sender, daemon=True).start()

def _delayed_send(stream, *args, **kwargs):
    # IOPub only (widget updates, busy/idle, outputs); in order, each DELAY_S later.
    if DELAY_S[0] > 0 and stream is _kernel.iopub_socket:
        _later.put((_time.monotonic() + DELAY_S[0], (stream, *args), kwargs))
        return None
    return _send(stream, *args, **kwargs)

_kernel.session.send = _delayed_send
"""

CELLS = [
    "import sys\n"
    "import ipywidgets as widgets\n"
    "import matplotlib.pyplot as plt\n"
    "import torch\n"
    "from helper import BinaryExplorer, DistributionExplorer, LogitsExplorer, StabilityExplorer, TrainingPlayer\n"
    "from helper.training import make_blobs\n"
    f"sys.path.insert(0, {str(HERE)!r})\n"
    "from old_logits_explorer import OldLogitsExplorer\n"
    "%matplotlib inline\n" + _DELAY_HOOK,
    # the round-trip floor
    "floor_slider = widgets.FloatSlider(value=-2.0, min=-6, max=6, step=0.1, description='z_0')\n"
    "floor_text = widgets.HTML('value = -2.0000')\n"
    "floor_slider.observe(lambda c: setattr(floor_text, 'value', f'value = {c.new:.4f}'), names='value')\n"
    "floor = widgets.VBox([floor_slider, floor_text])\n"
    "floor.add_class('bench-floor')\n"
    "floor",
    f"LogitsExplorer({START}, target=1)",
    "BinaryExplorer(-3.0, 1)",
    "StabilityExplorer([1.0, 2.0, 3.0])",
    f"DistributionExplorer({START}, [0.1, 0.6, 0.1, 0.1, 0.1])",
    # notebook 08's data; 500 steps, so that every press of both phases moves it (the slider stops at the end)
    "TrainingPlayer(*make_blobs(40, seed=0), steps=500, lr=0.5)",
    f"OldLogitsExplorer({START}, 1)",
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
    # run once by Run All (no delay), a second time to switch the delay on
    "_phase = globals().get('_phase', 0) + 1\n"
    f"DELAY_S[0] = {DELAY_S} if _phase > 1 else 0.0\n"
    "print(f'kernel reply delay: {DELAY_S[0] * 1000:.0f} ms')",
]

EXPLORER = "explorer"  # computes in the page: the targets apply
# (name, CSS selector of the measured element, CSS selector of the slider pressed, kind)
TARGETS = [
    ("LogitsExplorer", ".l2l-logits-explorer", ".l2l-logits-explorer .l2l-logit-0 input", EXPLORER),
    ("BinaryExplorer", ".l2l-binary-explorer", ".l2l-binary-explorer input[type=range]", EXPLORER),
    ("StabilityExplorer", ".l2l-stability-explorer", ".l2l-stability-explorer input[type=range]", EXPLORER),
    ("DistributionExplorer", ".l2l-distribution-explorer", ".l2l-distribution-explorer input[type=range]", EXPLORER),
    ("TrainingPlayer", ".l2l-training-player", ".l2l-training-player input[type=range]", EXPLORER),
    ("OLD kernel LogitsExplorer", ".bench-old-logits", ".bench-old-logits .l2l-old-logit-0 .noUi-handle", "kernel"),
    ("bare slider -> HTML (floor)", ".bench-floor", ".bench-floor .noUi-handle", "kernel"),
    ("@interact + matplotlib", ".widget-interact", ".widget-interact .widget-slider .noUi-handle", "kernel"),
]
OLD, BASELINE = "OLD kernel LogitsExplorer", "@interact + matplotlib"
assert {OLD, BASELINE} <= {name for name, *_ in TARGETS}
# Not part of the visible update: the kernel's verification line, timed on its own.
CHECK = ".l2l-check"

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
([sel, check]) => {
  const root = document.querySelector(sel);
  if (!root) throw new Error('no element ' + sel);
  if (window.__benchObserver) window.__benchObserver.disconnect();
  const B = window.__bench = {t0: null, first: null, last: null, frame: null, n: 0, check: null, any: null};
  window.__benchObserver = new MutationObserver(records => {
    const now = performance.now();
    B.any = now;
    const el = r => r.target.nodeType === 1 ? r.target : r.target.parentElement;
    if (records.every(r => el(r) && el(r).closest(check))) { B.check = now; return; }
    B.last = now; if (B.first === null) B.first = now; B.n += 1;
    requestAnimationFrame(() => { B.frame = performance.now(); });
  });
  window.__benchObserver.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  if (!window.__benchKeys) {
    window.__benchKeys = true;
    document.addEventListener('keydown', e => {
      const b = window.__bench;
      b.t0 = e.timeStamp; b.first = null; b.last = null; b.frame = null; b.n = 0; b.check = null;
      if (window.__benchWs) { window.__benchWs.sent = []; window.__benchWs.got = []; }
    }, true);
  }
}
"""

_JS_SETTLED = """
(quiet) => {
  const B = window.__bench;
  return B.t0 !== null && B.last !== null && B.frame !== null && B.frame >= B.last
    && performance.now() - Math.max(B.last, B.any || 0) > quiet;
}
"""

_JS_RESULT = """
() => {
  const B = window.__bench, W = window.__benchWs;
  const sent = W ? W.sent.filter(t => t >= B.t0) : [];
  const got = W ? W.got.filter(t => t >= B.t0 && t <= B.last) : [];
  const split = sent.length && got.length
    ? [sent[0] - B.t0, got[got.length - 1] - sent[0], B.last - got[got.length - 1], B.frame - B.last] : null;
  return [B.frame - B.t0, split, B.check === null ? null : B.check - B.t0];
}
"""

STAGES = ["key -> message out", "-> last reply in", "-> last DOM change", "-> next frame"]


def _measure(
    page: Any,
    selector: str,
    handle: str,
    presses: int,
    warmup: int,
    quiet_ms: float,
    parts: list[list[float]] | None = None,
    checks: list[float] | None = None,
) -> list[float]:
    page.evaluate(_JS_INSTALL, [selector, CHECK])
    page.locator(handle).first.focus()
    # Start from the slider's minimum (Home), so the presses of every round and phase stay
    # below its maximum (a press at the maximum changes nothing); not measured.
    page.keyboard.press("Home")
    time.sleep(quiet_ms / 1000 + 0.3)
    samples: list[float] = []
    missed = 0
    for i in range(warmup + presses):
        page.evaluate("() => { window.__bench.t0 = null; }")
        page.keyboard.press("ArrowRight")
        try:
            page.wait_for_function(_JS_SETTLED, arg=quiet_ms, timeout=10_000, polling=50)
        except Exception as exc:  # noqa: BLE001
            # Say where the key went, put the focus back on the slider and go on (not counted).
            focus = page.evaluate("() => (document.activeElement?.outerHTML || 'none').slice(0, 160)")
            print(
                f"  note: {selector}: no settled DOM change within 10 s after press {i + 1}; focus was on {focus}",
                flush=True,
            )
            missed += 1
            if missed > 3:
                raise RuntimeError(f"{selector}: {missed} presses without a settled DOM change") from exc
            page.locator(handle).first.focus()
            continue
        total, split, check = page.evaluate(_JS_RESULT)
        if i >= warmup:
            samples.append(float(total))
            if parts is not None and split is not None:
                parts.append(split)
            if checks is not None and check is not None:
                checks.append(float(check))
        time.sleep(0.05)
    return samples


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _run_last_cell(page: Any) -> None:
    """Run the notebook's last cell again and wait for its output, without entering its editor.

    The cell is selected by its input prompt (command mode) and run with Ctrl+Enter. Clicking
    into the editor instead would start CodeMirror's blinking caret, whose CSS animation keeps
    Chromium drawing a frame every 16.7 ms from then on (it runs on after Escape), so every
    later press would wait for the next 60 Hz frame and the phases would not be comparable
    (measured with no delay at all: medians 2.9-4.1 ms before such a click, 7.1-8.3 ms after).
    """
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").last
    cell.scroll_into_view_if_needed()
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Control+Enter")
    cell.locator(".jp-OutputArea-output", has_text=f"delay: {DELAY_S * 1000:.0f} ms").wait_for(timeout=30_000)


Samples = dict[str, dict[str, list[float]]]  # phase -> widget -> ms


def slow_phase(slowdown: float) -> str:
    return f"CPU slowed {slowdown:g}x"


def run(
    presses: int, warmup: int, quiet_ms: float, rounds: int = 4, slowdown: float = 4.0
) -> tuple[Samples, Samples, Samples]:
    """Start Lab and Chromium, run the scratch notebook, measure each target in both phases.

    Returns (latencies, per-press stage splits flattened per widget, torch-check times), each
    keyed by phase then widget name.
    """
    from playwright.sync_api import sync_playwright

    results: Samples = {}
    splits: dict[str, dict[str, list[list[float]]]] = {}
    checks: Samples = {}
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
                cdp = context.new_cdp_session(page)
                phases = ["as is"] + ([slow_phase(slowdown)] if slowdown > 1 else [])
                for phase in [*phases, f"+{DELAY_S * 1000:.0f} ms kernel replies"]:
                    # a slow laptop: Chromium runs the page's main thread `slowdown` times slower
                    cdp.send(
                        "Emulation.setCPUThrottlingRate", {"rate": slowdown if phase == slow_phase(slowdown) else 1}
                    )
                    if phase.startswith("+"):
                        _run_last_cell(page)
                    # Interleaved rounds, so a burst of load elsewhere hits every widget alike.
                    per_round = [presses // rounds + (1 if r < presses % rounds else 0) for r in range(rounds)]
                    for r, n in enumerate(per_round):
                        for name, selector, handle, _ in TARGETS:
                            page.locator(selector).first.scroll_into_view_if_needed()
                            split = splits.setdefault(phase, {}).setdefault(name, [])
                            check = checks.setdefault(phase, {}).setdefault(name, [])
                            got = _measure(page, selector, handle, n, warmup if r == 0 else 1, quiet_ms, split, check)
                            results.setdefault(phase, {}).setdefault(name, []).extend(got)
                        print(f"  {phase}, round {r + 1}/{rounds}: {n} presses per widget", flush=True)
            finally:
                browser.close()
                server.shutdown_kernels()
    return results, splits, checks  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40, help="measured key presses per widget and phase (>= 30)")
    parser.add_argument("--warmup", type=int, default=3, help="presses not counted, per widget")
    parser.add_argument("--quiet", type=float, default=300.0, help="ms without DOM change that ends a press")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds over the widgets")
    parser.add_argument(
        "--cpu-slowdown",
        type=float,
        default=4.0,
        help="Chromium CPU throttling rate of the slow-laptop phase (1 skips it)",
    )
    args = parser.parse_args(argv)
    if args.presses < 30:
        parser.error("--presses must be at least 30")
    reason = browser_unavailable_reason()
    if reason:
        print(f"bench-lab cannot run: {reason}", file=sys.stderr)
        return 2

    print(
        f"bench-lab: {args.presses} ArrowRight presses per widget and phase (+{args.warmup} warm-up), "
        f"quiet period {args.quiet:.0f} ms",
        flush=True,
    )
    load_before = os.getloadavg()
    results, splits, checks = run(args.presses, args.warmup, args.quiet, args.rounds, args.cpu_slowdown)
    load_after = os.getloadavg()

    verdicts: list[tuple[str, bool]] = []
    for phase, per_widget in results.items():
        stats = {name: (statistics.median(v), _p95(v)) for name, v in per_widget.items()}
        old_med, base_med = stats[OLD][0], stats[BASELINE][0]
        print(f"\n[{phase}] key press -> last visible DOM change + 1 frame")
        print(
            f"{'widget':<30} {'median':>9} {'p95':>9} {'max':>9} {'OLD/it':>7} {'@interact/it':>12} "
            f"{'torch check shown':>18}"
        )
        for name, _, _, kind in TARGETS:
            med, p95 = stats[name]
            check = checks[phase].get(name) or []
            shown = f"{statistics.median(check):>15.1f} ms" if check and kind == EXPLORER else f"{'':>18}"
            print(
                f"{name:<30} {med:>6.1f} ms {p95:>6.1f} ms {max(per_widget[name]):>6.1f} ms "
                f"{old_med / med:>6.1f}x {base_med / med:>11.1f}x {shown}"
            )
            if kind == EXPLORER and phase != slow_phase(args.cpu_slowdown):
                verdicts.append(
                    (f"{phase}: {name} median {med:.1f} ms <= {TARGET_MEDIAN_MS:g} ms", med <= TARGET_MEDIAN_MS)
                )
            if kind == EXPLORER:
                verdicts.append((f"{phase}: {name} p95 {p95:.1f} ms <= {TARGET_P95_MS:g} ms", p95 <= TARGET_P95_MS))
        rows = {n: r for n, r in splits[phase].items() if r and dict((t[0], t[3]) for t in TARGETS)[n] == "kernel"}
        if rows:
            print(f"{'where the time goes (medians)':<30} " + " ".join(f"{s:>19}" for s in STAGES))
            for name, parts in rows.items():
                meds = [statistics.median(col) for col in zip(*parts)]
                print(f"{name:<30} " + " ".join(f"{m:>16.1f} ms" for m in meds))

    slow = slow_phase(args.cpu_slowdown)
    if slow in results:
        print(f"\n[1x vs {slow}] explorers, key press -> settled picture + 1 frame")
        print(f"{'widget':<30} {'1x median':>10} {'1x p95':>9} {'slow median':>12} {'slow p95':>9} {'p95 ratio':>10}")
        for name, _, _, kind in TARGETS:
            if kind != EXPLORER:
                continue
            fast, slowed = results["as is"][name], results[slow][name]
            print(
                f"{name:<30} {statistics.median(fast):>7.1f} ms {_p95(fast):>6.1f} ms "
                f"{statistics.median(slowed):>9.1f} ms {_p95(slowed):>6.1f} ms {_p95(slowed) / _p95(fast):>9.2f}x"
            )

    print()
    for text, ok in verdicts:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    passed = all(ok for _, ok in verdicts)
    cores = os.cpu_count() or 1
    print(
        f"load average (1/5/15 min) before: {'/'.join(f'{x:.1f}' for x in load_before)}, "
        f"after: {'/'.join(f'{x:.1f}' for x in load_after)} on {cores} cores"
    )
    if max(load_before[0], load_after[0]) > 0.75 * cores:
        print("note: the machine was busy; every latency above includes waiting for a CPU")
    print("verdict:", "all targets met" if passed else "targets missed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
