"""Kernel-side latency of a LogitsExplorer update, against a matplotlib rebuild baseline.

Measures, inside a real ipykernel started with jupyter_client, the time from a
slider value change until all of the explorer's outputs are updated: setting
``slider.value`` (the explorer's ``.sliders`` control, which sets the synced ``logits``
trait) runs the explorer's observer synchronously, which verifies with torch (the page
computes what it shows), assigns the ``result`` trait and serialises/sends their comm
messages before the assignment returns. The widgets are displayed first, so the
comms are open and this client really receives every message (it counts them).

The baseline does what ``@interact`` does on every move: build a new matplotlib
figure with the same content (probability bars with the target marked, gradient
bars, the loss and logsumexp as text), render it to PNG and hand the bytes to a
``widgets.Image``. Both run in the same kernel, interleaved in rounds, after a warm-up.

Targets: explorer median <= 5 ms and >= 5x faster than the baseline median.
Exit status 1 if a target is missed. ``--in-process`` runs the same code in this
process instead (no kernel: comm messages are not sent, so it under-measures).

Usage: python tests/bench/bench_explorers.py [--rounds 3] [--n 150] [--n-baseline 20] [--in-process]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import textwrap
import time

TARGET_MEDIAN_MS = 5.0
TARGET_RATIO = 5.0

SETUP = textwrap.dedent(
    """
    import io, json, time
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import ipywidgets as widgets
    import torch
    import torch.nn.functional as F
    from IPython.display import display
    from helper.explorers import LogitsExplorer

    LOGITS = [1.5410, -0.2934, -2.1788, 0.5684, -1.0845]
    ex = LogitsExplorer(LOGITS, 1)
    display(ex)

    base_sliders = [widgets.FloatSlider(value=v, min=-6, max=6, step=0.1) for v in LOGITS]
    base_image = widgets.Image(format="png")
    display(widgets.VBox([*base_sliders, base_image]))
    OKABE = ["#56B4E9", "#E69F00", "#D55E00", "#009E73"]

    def baseline(change=None, target=1):
        z = torch.tensor([s.value for s in base_sliders], dtype=torch.float32, requires_grad=True)
        loss = F.cross_entropy(z.unsqueeze(0), torch.tensor([target]))
        (grad,) = torch.autograd.grad(loss, z)
        p = F.softmax(z.detach(), 0).tolist()
        g = grad.tolist()
        lse = torch.logsumexp(z.detach(), 0).item()
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(6.6, 3.3))
        colours = [OKABE[1] if i == target else OKABE[0] for i in range(len(p))]
        bars = a1.bar(range(len(p)), p, color=colours)
        bars[target].set_hatch("//")
        bars[target].set_edgecolor("black")
        for i, v in enumerate(p):
            a1.text(i, v + 0.02, f"{v:.3f}", ha="center")
        a1.set_ylim(0, 1.1)
        a1.set_title("p = softmax(z/T)")
        a2.bar(range(len(g)), g, color=[OKABE[2] if v >= 0 else OKABE[3] for v in g])
        for i, v in enumerate(g):
            a2.text(i, 0.05, f"{v:+.3f}", ha="center")
        a2.set_ylim(-1.1, 1.1)
        a2.set_title("dL/dz = (p - onehot)/T")
        fig.suptitle(f"loss = {loss.item():.4f}    logsumexp = {lse:.4f}")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        plt.close(fig)
        base_image.value = buf.getvalue()

    for s in base_sliders:
        s.observe(baseline, names="value")

    def _moves(sliders, n, seed):
        # a fixed sequence of slider moves, never a no-op (an unchanged value fires no update)
        out, k = [], seed
        for i in range(n):
            k = (k * 1103515245 + 12345) % 2**31
            s = sliders[i % len(sliders)]
            out.append((s, round(-6 + 12 * (k % 1000) / 1000, 1)))
        return out

    def time_moves(sliders, n, seed):
        times = []
        for s, v in _moves(sliders, n, seed):
            if s.value == v:
                v = round(v + 0.1 if v < 5.9 else v - 0.1, 1)
            t0 = time.perf_counter()
            s.value = v
            times.append(time.perf_counter() - t0)
        return times

    assert len(plt.get_fignums()) == 0
    """
)

ROUND = textwrap.dedent(
    """
    _t = time_moves({sliders}, {n}, {seed})
    assert len(plt.get_fignums()) == 0 and ex.last_error is None
    print("BENCH " + json.dumps({{"{kind}": _t}}))
    """
)

WARMUP = "time_moves(ex.sliders, 50, 7); time_moves(base_sliders, 5, 7); print('BENCH {}')"


def _run_in_kernel(codes: list[str]) -> tuple[list[dict], dict]:
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=120)
    counts = {"comm_msg": 0, "bytes": 0}
    found: list[dict] = []

    def hook(msg: dict) -> None:
        kind = msg["header"]["msg_type"]
        if kind == "comm_msg":
            counts["comm_msg"] += 1
            counts["bytes"] += len(json.dumps(msg["content"]))
        elif kind == "stream":
            for line in msg["content"]["text"].splitlines():
                if line.startswith("BENCH "):
                    found.append(json.loads(line[6:]))
        elif kind == "error":
            raise RuntimeError("kernel error: " + "\n".join(msg["content"]["traceback"]))

    try:
        info = {}
        kc.execute_interactive(
            "import sys; print('BENCH', __import__('json').dumps({'python': sys.executable}))",
            output_hook=hook,
            timeout=120,
        )
        info["python"] = found.pop()["python"]
        kc.execute_interactive(SETUP, output_hook=hook, timeout=300)
        per_code = []
        for code in codes:
            before = dict(counts)
            reply = kc.execute_interactive(code, output_hook=hook, timeout=600)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel error: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
            per_code.append({k: counts[k] - before[k] for k in counts})
        info["messages"] = per_code
        return found, info
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _run_in_process(codes: list[str]) -> tuple[list[dict], dict]:
    import contextlib
    import io

    from IPython.display import display  # noqa: F401  (used by SETUP)

    ns: dict = {}
    found = []
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(SETUP, ns)
        for code in codes:
            exec(code, ns)
    for line in out.getvalue().splitlines():
        if line.startswith("BENCH "):
            found.append(json.loads(line[6:]))
    return found, {"python": sys.executable, "messages": []}


def _stats(xs: list[float]) -> tuple[float, float]:
    xs = sorted(xs)
    return statistics.median(xs) * 1e3, xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))] * 1e3


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=150, help="explorer moves per round")
    ap.add_argument("--n-baseline", type=int, default=20, help="baseline moves per round")
    ap.add_argument("--in-process", action="store_true", help="no kernel (comm messages are not sent)")
    args = ap.parse_args(argv)

    codes = [WARMUP]
    for r in range(args.rounds):  # interleaved, so both see the same machine noise
        codes.append(ROUND.format(sliders="ex.sliders", n=args.n, seed=r + 1, kind="explorer"))
        codes.append(ROUND.format(sliders="base_sliders", n=args.n_baseline, seed=r + 1, kind="baseline"))
    t0 = time.perf_counter()
    runner = _run_in_process if args.in_process else _run_in_kernel
    results, info = runner(codes)
    results = [r for r in results if r]  # drop the warm-up marker
    wall = time.perf_counter() - t0
    exp = [t for r in results for t in r.get("explorer", [])]
    base = [t for r in results for t in r.get("baseline", [])]
    (em, ep), (bm, bp) = _stats(exp), _stats(base)
    ratio = bm / em

    where = "in-process (no kernel; comm messages NOT sent)" if args.in_process else "inside a real ipykernel"
    print(f"LogitsExplorer update latency, 5 classes, {where}")
    print(f"python: {info['python']}; wall time {wall:.1f} s")
    if info["messages"]:
        for name, first, moves in (("explorer", 1, args.n), ("baseline", 2, args.n_baseline)):
            ms = info["messages"][first::2]
            msgs, size = sum(m["comm_msg"] for m in ms), sum(m["bytes"] for m in ms)
            print(
                f"{name}: {msgs / (moves * args.rounds):.2f} comm messages per move received by this client, "
                f"{size / max(msgs, 1):.0f} bytes of JSON each on average (one is the slider's own value echo; "
                f"binary buffers such as PNG bytes are not counted)"
            )
    print()
    print(f"| {'what':<34} | {'median ms':>9} | {'p95 ms':>8} | {'n':>4} |")
    print(f"|{'-' * 36}|{'-' * 11}|{'-' * 10}|{'-' * 6}|")
    print(f"| {'LogitsExplorer (torch verification)':<34} | {em:9.3f} | {ep:8.3f} | {len(exp):4d} |")
    print(f"| {'baseline (new mpl figure -> PNG)':<34} | {bm:9.3f} | {bp:8.3f} | {len(base):4d} |")
    print(f"| {'ratio baseline/explorer (medians)':<34} | {ratio:9.1f} | {'':>8} | {'':>4} |")
    print()
    ok_median, ok_ratio = em <= TARGET_MEDIAN_MS, ratio >= TARGET_RATIO
    print(f"target median <= {TARGET_MEDIAN_MS} ms: {'met' if ok_median else 'MISSED'} ({em:.3f} ms)")
    print(f"target ratio >= {TARGET_RATIO}x: {'met' if ok_ratio else 'MISSED'} ({ratio:.1f}x)")
    verdict = ok_median and ok_ratio
    print("VERDICT:", "PASS" if verdict else "FAIL")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
