"""`make bench-hub`: N simulated students against a real JupyterHub on 127.0.0.1 (run as root).

Each student logs in with the shared password, starts a server, pulls the course with nbgitpuller,
runs every cell of notebook 01 through the kernel websocket (Run All), moves an explorer by a comm
message and waits for torch's result, and submits the notebook's exercises, graded by otter. The
load is bounded: at most --concurrency students at a time, the whole run within --timeout seconds.
Prints medians and p95 of each step, failures, peak memory per student (RSS of their server and
kernel, sampled every 0.5 s), the hub's and proxy's CPU, and the sizing rule that follows.

    make bench-hub ARGS="--students 20 --concurrency 5"
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from hubclient import Student, class_session  # noqa: E402

from helper.course.assignments import build  # noqa: E402
from helper.course.hub import Hub, account, course_remote, remove_account  # noqa: E402
from helper.course.notebooks import notebook  # noqa: E402


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


class Sampler(threading.Thread):
    """Peak RSS of each student account's processes (server + kernel), sampled every 0.5 s."""

    def __init__(self, uids: dict[int, str]) -> None:
        super().__init__(daemon=True)
        self.uids, self.peak, self.cpu = uids, {n: 0 for n in uids.values()}, {n: {} for n in uids.values()}
        self.running = True

    def run(self) -> None:
        while self.running:
            rss = dict.fromkeys(self.uids.values(), 0)
            for p in psutil.process_iter(["uids", "memory_info", "cpu_times"]):
                uids = p.info["uids"]
                if uids and uids.real in self.uids and p.info["memory_info"]:
                    name = self.uids[uids.real]
                    rss[name] += p.info["memory_info"].rss
                    t = p.info["cpu_times"]
                    self.cpu[name][p.pid] = t.user + t.system + t.children_user + t.children_system
            for name, v in rss.items():
                self.peak[name] = max(self.peak[name], v)
            time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=5, help="students active at once")
    parser.add_argument("--timeout", type=float, default=1800, help="bound on the whole run, seconds")
    parser.add_argument("--no-grading", action="store_true", help="skip the otter-graded submission")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("bench-hub: run as root (one Unix account per student)", file=sys.stderr)
        return 2
    if not 1 <= args.students <= 200:
        print("bench-hub: --students must be in 1..200", file=sys.stderr)
        return 2
    names = [f"bench{i:03d}" for i in range(args.students)]
    for n in names:
        remove_account(account(n))
    work = Path(tempfile.mkdtemp(prefix="l2l-bench-hub-"))
    work.chmod(0o755)
    load0 = os.getloadavg()
    hub = Hub(work)
    results: dict[str, dict] = {}
    failures: dict[str, str] = {}
    sampler = None
    try:
        assignment = None if args.no_grading else build(notebook("01"), work / "assignments")
        hub.start()
        remote = course_remote(hub.state)
        first = notebook("01").name
        hub_proc = psutil.Process(hub.proc.pid)
        cpu0 = sum(hub_proc.cpu_times()[:2])
        proxy = [p for p in hub_proc.children() if "configurable-http-proxy" in " ".join(p.cmdline())]
        proxy_cpu0 = sum(sum(p.cpu_times()[:2]) for p in proxy)
        uids: dict[int, str] = {}

        def one(name: str) -> None:
            st = Student(hub.url, name, hub.password)
            try:
                res = class_session(st, f"file://{remote}", first, assignment, work / "graded")
                results[name] = res
            except Exception as e:  # noqa: BLE001 - a benchmark counts failures, it does not stop
                failures[name] = f"{type(e).__name__}: {e}"[:300]
            finally:
                try:
                    st.session.delete(f"{hub.url}/hub/api/users/{name}/server", headers=st._xsrf(), timeout=120)
                except Exception:  # noqa: BLE001
                    pass

        # accounts first (the hub would create them on spawn), so the sampler knows their uids
        from helper.course.hub import ensure_account

        for n in names:
            uids[ensure_account(account(n)).pw_uid] = n
        sampler = Sampler(uids)
        sampler.start()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            futures = [pool.submit(one, n) for n in names]
            done, pending = wait(futures, timeout=args.timeout)
            for f in pending:
                f.cancel()
        wall = time.perf_counter() - t0
        sampler.running = False
        hub_cpu = sum(hub_proc.cpu_times()[:2]) - cpu0
        proxy_cpu = sum(sum(p.cpu_times()[:2]) for p in proxy if p.is_running()) - proxy_cpu0
    finally:
        if sampler:
            sampler.running = False
        left = hub.stop()
        for n in names:
            try:
                remove_account(account(n))
            except subprocess.CalledProcessError as e:
                print(f"bench-hub: could not remove {account(n)}: {e.stderr}", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)
    load1 = os.getloadavg()

    print(
        f"bench-hub: {args.students} students, {args.concurrency} at a time, {wall:.0f} s wall, "
        f"{os.cpu_count()} cores, load (1/5/15 min) before {load0[0]:.1f}/{load0[1]:.1f}/{load0[2]:.1f}, "
        f"after {load1[0]:.1f}/{load1[1]:.1f}/{load1[2]:.1f}"
    )
    print(
        f"failures: {args.students - len(results)} of {args.students} (not finished in time: "
        f"{args.students - len(results) - len(failures)})"
    )
    for n, why in sorted(failures.items()):
        print(f"  {n}: {why}")
    for step in ("server_ready", "pull", "run_all", "torch_check", "grading"):
        vals = [r[step] for r in results.values() if step in r]
        if vals:
            print(
                f"{step:>13}: median {statistics.median(vals):7.2f} s   p95 {pct(vals, 0.95):7.2f} s   (n={len(vals)})"
            )
    graded = [r for r in results.values() if "score" in r]
    if graded:
        full = sum(r["score"] == r["max_score"] for r in graded)
        print(f"      graded: {full} of {len(graded)} submissions got full marks")
    peaks = [sampler.peak[n] / 2**20 for n in results if sampler.peak.get(n)]
    cpus = [sum(sampler.cpu[n].values()) for n in results if sampler.cpu.get(n)]
    if peaks:
        print(
            f" peak RSS per student (server + kernel): median {statistics.median(peaks):.0f} MB, "
            f"p95 {pct(peaks, 0.95):.0f} MB, max {max(peaks):.0f} MB"
        )
    print(
        f"hub CPU: {hub_cpu:.1f} s, proxy CPU: {proxy_cpu:.1f} s over {wall:.0f} s "
        f"({100 * (hub_cpu + proxy_cpu) / wall:.0f}% of one core)"
    )
    if peaks and cpus:
        cpu_per = statistics.median(cpus)
        print(f"CPU per student session (server + kernel, Run All of 01 + explorer): median {cpu_per:.1f} s")
        print(
            "sizing rule: memory: 1 GB per "
            f"{1024 / pct(peaks, 0.95):.1f} students (p95 peak); CPU: if a class runs the notebook within the "
            f"same 10 minutes, 1 core per {600 / cpu_per:.0f} students (while all Run All at once: "
            f"~{cpu_per:.0f} s of one core each)"
        )
    if left:
        print(f"bench-hub: killed leftover pids {left}", file=sys.stderr)
    return 1 if failures or len(results) != args.students else 0


if __name__ == "__main__":
    sys.exit(main())
