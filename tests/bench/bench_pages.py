"""How fast the built pages and decks open: Lighthouse on each (`make bench-pages`).

Builds every course notebook with ``make html`` and ``make slides`` (``helper.course.html`` /
``helper.course.slides``) into a temporary folder, serves it over http from 127.0.0.1 (a
port picked at random, stopped at the end), and runs Lighthouse 12.2.3 (npm, pinned in
``helper/course/assets/package.json``) with Debian's Chromium on each page and deck: the
desktop preset, DevTools throttling with no network throttling, the CPU as is and slowed
4x (a low-end laptop or a projector PC). Printed per page: time to interactive (TTI),
total blocking time (TBT), main-thread work and the bytes the page loads (everything it
fetches), beside the figures measured before this build (issue #20: MathJax 2 typesetting
in the page and the Jupyter widget manager with require.js).

Targets at 4x CPU on every page and deck: TTI <= 1.0 s, TBT <= 200 ms; every page
<= 1.5 MB including what it loads. The machine is shared: the load average is printed
beside the figures. Timings are reported, never asserted.

``--compare DIR`` also measures every page of an earlier build (e.g. one made on the main
branch before this change) in the same run, for ratios on a busy machine.

Usage: python tests/bench/bench_pages.py [--rates 1 4] [--only 01 08] [--runs 1] [--compare DIR]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from helper.course import html as html_build  # noqa: E402 (after the path insert)
from helper.course import node_modules  # noqa: E402 (after the path insert)
from helper.course import slides as slides_build  # noqa: E402 (after the path insert)
from helper.course.notebooks import notebooks  # noqa: E402 (after the path insert)

CHROME = "/usr/bin/chromium"
TARGET_TTI_S, TARGET_TBT_MS, TARGET_MB = 1.0, 200.0, 1.5
# Measured before this build (issue #20), Lighthouse 12.2.3, desktop preset, same flags.
BASELINE = {
    1: "TTI 1.2-1.5 s, main-thread work 1.2-1.4 s",
    4: "TTI 3.9-8.3 s (worst 9.3 s), TBT 1.1-2.8 s (worst 3.5 s), main-thread 4.0-8.4 s",
}
BASELINE_MB = "4.5-5.5 MB (pages with explorers)"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `folder` on 127.0.0.1 at a random free port (20000-60000); return the server and its URL."""
    import random

    handler = functools.partial(_QuietHandler, directory=str(folder))
    for _ in range(50):
        port = random.randint(20000, 60000)
        try:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{port}"
    raise RuntimeError("no free port in 20000-60000")


def lighthouse(url: str, rate: int) -> dict[str, float]:
    """One Lighthouse run on `url` with the CPU slowed `rate` times; the four figures."""
    exe = node_modules() / ".bin" / "lighthouse"
    if not exe.exists():
        raise SystemExit(f"bench-pages: {exe} is missing: run `make node` (npm lighthouse 12.2.3)")
    command = [
        str(exe),
        url,
        "--quiet",
        "--output=json",
        "--output-path=stdout",
        "--only-categories=performance",
        "--preset=desktop",
        "--throttling-method=devtools",
        f"--throttling.cpuSlowdownMultiplier={rate}",
        "--throttling.requestLatencyMs=0",
        "--throttling.downloadThroughputKbps=0",
        "--throttling.uploadThroughputKbps=0",
        "--chrome-flags=--headless --no-sandbox --disable-gpu",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=300, env={**os.environ, "CHROME_PATH": CHROME}
    )
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}: {done.stderr.strip()[-500:]}")
    audits = json.loads(done.stdout)["audits"]

    def value(audit: str) -> float:
        # An audit Lighthouse could not compute has no numericValue (its errorMessage says why).
        found = audits[audit].get("numericValue")
        if found is None:
            print(f"  {url}: {audit}: {audits[audit].get('errorMessage', 'no value')}", file=sys.stderr)
            return float("nan")
        return float(found)

    return {
        "tti": value("interactive") / 1000,
        "tbt": value("total-blocking-time"),
        "main": value("mainthread-work-breakdown") / 1000,
        "mb": value("total-byte-weight") / 1e6,
    }


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", type=int, nargs="+", default=[1, 4], help="CPU slow-down factors (default 1 4)")
    parser.add_argument("--only", nargs="+", default=None, help="notebook number prefixes, e.g. 01 08")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs per page and rate (median shown)")
    parser.add_argument("--compare", type=Path, default=None, help="an earlier build folder to measure too")
    args = parser.parse_args(argv)
    chosen = [p for p in notebooks() if args.only is None or p.name[:2] in args.only]
    if not chosen:
        print("bench-pages: no notebook matches --only", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="l2l-bench-pages-") as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        html_build.build(chosen, out / "html")
        slides_build.build(chosen, out / "slides")
        print(f"built {len(chosen)} page(s) and deck(s) in {time.perf_counter() - start:.1f} s ({load()})")
        targets = [f"html/{p.stem}.html" for p in chosen] + [f"slides/{p.stem}.slides.html" for p in chosen]
        if args.compare is not None:
            earlier = out / "before"
            earlier.symlink_to(args.compare.resolve(), target_is_directory=True)
            targets += [
                f"before/{p.relative_to(args.compare)}"
                for p in sorted(args.compare.rglob("*.html"))
                if p.name != "index.html" and (args.only is None or p.name[:2] in args.only)
            ]
        server, base = serve(out)
        rows: list[tuple[str, int, dict[str, float]]] = []
        try:
            for rate in args.rates:
                print(f"\nCPU x{rate} ({load()}); before this build: {BASELINE.get(rate, 'not measured')}")
                print(f"{'page':44} {'TTI s':>6} {'TBT ms':>7} {'main s':>7} {'MB':>6}")
                for target in targets:
                    runs = [lighthouse(f"{base}/{target}", rate) for _ in range(args.runs)]
                    figures = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                    rows.append((target, rate, figures))
                    print(
                        f"{target:44} {figures['tti']:6.2f} {figures['tbt']:7.0f} {figures['main']:7.2f} "
                        f"{figures['mb']:6.2f}",
                        flush=True,
                    )
        finally:
            server.shutdown()
            server.server_close()

    print(f"\n{load()}")
    now = [r for r in rows if not r[0].startswith("before/")]
    print(
        f"bytes: before {BASELINE_MB}; now {min(r[2]['mb'] for r in now):.2f}-{max(r[2]['mb'] for r in now):.2f} MB"
        f" (target <= {TARGET_MB} MB)"
    )
    for rate in args.rates:
        at = [r[2] for r in rows if r[1] == rate and not r[0].startswith("before/")]
        print(
            f"CPU x{rate}: TTI {min(f['tti'] for f in at):.2f}-{max(f['tti'] for f in at):.2f} s, "
            f"TBT {min(f['tbt'] for f in at):.0f}-{max(f['tbt'] for f in at):.0f} ms, "
            f"main-thread {min(f['main'] for f in at):.2f}-{max(f['main'] for f in at):.2f} s"
        )
    if 4 in args.rates:
        missed = [(t, f) for t, rate, f in now if rate == 4 and (f["tti"] > TARGET_TTI_S or f["tbt"] > TARGET_TBT_MS)]
        missed += [(t, f) for t, rate, f in now if rate == 4 and f["mb"] > TARGET_MB]
        if missed:
            print("targets missed at 4x: " + ", ".join(sorted({t for t, _ in missed})))
        else:
            print(
                f"targets met at 4x on every page and deck: TTI <= {TARGET_TTI_S} s, TBT <= {TARGET_TBT_MS:.0f} ms, "
                f"<= {TARGET_MB} MB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
